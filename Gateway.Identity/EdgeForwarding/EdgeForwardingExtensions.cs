using AgentCore.Gateway.Authentication.EdgeTrust;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Identity.EdgeForwarding;

internal static class EdgeForwardingExtensions
{
    /// <summary>
    /// Identity sits behind the Edge: it answers only requests the Edge signed, and so believes only the client
    /// address the Edge vouches for (in the signed <c>X-Forwarded-For</c>), which drives the per-address rate limit
    /// and the audit trail. Every absolute URL it builds (login redirects, discovery) names the issuer, the public
    /// URL, whatever <c>Host</c> or <c>X-Forwarded-Host</c> a request carried.
    /// </summary>
    public static IHostApplicationBuilder AddEdgeForwarding(this IHostApplicationBuilder builder)
    {
        builder.AddEdgeTrust();
        return builder;
    }

    public static WebApplication UseEdgeForwarding(this WebApplication app)
    {
        app.UseEdgeTrust();
        var issuer = new Uri(app.Configuration[GatewayTokens.IssuerConfigurationKey]
            ?? throw new InvalidOperationException($"The token issuer is not configured ({GatewayTokens.IssuerConfigurationKey})."));
        var host = HostString.FromUriComponent(issuer);
        app.Use((context, next) =>
        {
            context.Request.Scheme = issuer.Scheme;
            context.Request.Host = host;
            return next(context);
        });
        return app;
    }
}
