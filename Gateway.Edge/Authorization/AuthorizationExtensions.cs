using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Authentication.EdgeTrust;
using Yarp.ReverseProxy.Transforms.Builder;

namespace AgentCore.Gateway.Edge.Authorization;

internal static class AuthorizationExtensions
{
    /// <summary>
    /// Scope policies from the <c>Authorization:Policies</c> section, for YARP routes to name (the Edge's admission
    /// enforces them; they are also ASP.NET Core policies because YARP checks the names routes give against those),
    /// and the signed trusted headers that carry the caller to backends.
    /// </summary>
    public static IHostApplicationBuilder AddEdgeAuthorization(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(ScopePolicyOptions.SectionName);
        builder.Services.Configure<ScopePolicyOptions>(section);
        var policies = new ScopePolicyOptions();
        section.Bind(policies);

        var authorization = builder.Services.AddAuthorizationBuilder();
        foreach (var (name, scopes) in policies.Policies)
        {
            authorization.AddPolicy(name, policy => policy.RequireScopes(scopes));
        }

        builder.AddEdgeTrust();
        builder.Services.AddSingleton<ITransformProvider, TrustedHeadersTransformProvider>();
        return builder;
    }
}
