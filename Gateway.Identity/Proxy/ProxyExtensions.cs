using Microsoft.AspNetCore.HttpOverrides;

namespace AgentCore.Gateway.Identity.Proxy;

internal static class ProxyExtensions
{
    /// <summary>
    /// Trusts the Edge's <c>X-Forwarded-*</c> headers, from loopback proxies only (the framework's default): the
    /// caller's real address then drives the per-address rate limit and the audit trail, and the login redirects
    /// point at the public host rather than at this service.
    /// </summary>
    public static IHostApplicationBuilder AddEdgeForwarding(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost);
        return builder;
    }

    public static WebApplication UseEdgeForwarding(this WebApplication app)
    {
        app.UseForwardedHeaders();
        return app;
    }
}
