using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Edge.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace AgentCore.Gateway.Edge.Authorization;

/// <summary>Every one of <see cref="Scopes"/> must be granted to the caller.</summary>
internal sealed class ScopeRequirement(IReadOnlyList<string> scopes)
    : AuthorizationHandler<ScopeRequirement>, IAuthorizationRequirement
{
    public IReadOnlyList<string> Scopes { get; } = scopes;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (context.User.Identity is GatewayIdentity identity && requirement.Scopes.All(identity.GrantedScopes.Contains))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
