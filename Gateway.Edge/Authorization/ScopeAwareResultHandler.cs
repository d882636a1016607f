using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Edge.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace AgentCore.Gateway.Edge.Authorization;

/// <summary>Tells a refused caller which scopes the route needs, in the 403 envelope's details.</summary>
internal sealed class ScopeAwareResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Forbidden || authorizeResult.AuthorizationFailure is not { } failure)
        {
            return fallback.HandleAsync(next, context, policy, authorizeResult);
        }

        var missing = failure.FailedRequirements.OfType<ScopeRequirement>().SelectMany(requirement => requirement.Scopes).Distinct();
        var properties = new AuthenticationProperties();
        properties.Items[GatewayAuthenticationHandler.RequiredScopesItem] = string.Join(' ', missing);
        return context.ForbidAsync(GatewayAuthenticationHandler.SchemeName, properties);
    }
}
