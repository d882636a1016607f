using AgentCore.Gateway.Authentication.EdgeTrust;
using Microsoft.AspNetCore.Authorization;
using Yarp.ReverseProxy.Transforms.Builder;

namespace AgentCore.Gateway.Edge.Authorization;

internal static class AuthorizationExtensions
{
    /// <summary>
    /// Scope policies from the <c>Authorization:Policies</c> section, for YARP routes to name, and the signed
    /// trusted headers that carry the caller to backends.
    /// </summary>
    public static IHostApplicationBuilder AddEdgeAuthorization(this IHostApplicationBuilder builder)
    {
        var policies = new ScopePolicyOptions();
        builder.Configuration.GetSection(ScopePolicyOptions.SectionName).Bind(policies);

        var authorization = builder.Services.AddAuthorizationBuilder();
        foreach (var (name, scopes) in policies.Policies)
        {
            authorization.AddPolicy(name, policy => policy
                .RequireAuthenticatedUser()
                .AddRequirements(new ScopeRequirement(scopes)));
        }

        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, ScopeAwareResultHandler>();
        builder.AddEdgeTrust();
        builder.Services.AddSingleton<ITransformProvider, TrustedHeadersTransformProvider>();
        return builder;
    }
}
