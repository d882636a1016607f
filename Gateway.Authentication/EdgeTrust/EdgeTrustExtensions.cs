using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentCore.Gateway.Authentication.EdgeTrust;

public static class EdgeTrustExtensions
{
    /// <summary>Binds and validates <see cref="EdgeTrustOptions"/> (the <c>EdgeTrust</c> section) for signing or verifying.</summary>
    public static TBuilder AddEdgeTrust<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddValidatedOptions<EdgeTrustOptions>(EdgeTrustOptions.SectionName);
        return builder;
    }

    /// <summary>
    /// For backends: refuse requests that did not come through the Edge. Call after <c>UseServiceDefaults</c>, so
    /// refusals carry the request id.
    /// </summary>
    public static WebApplication UseEdgeTrust(this WebApplication app)
    {
        app.UseMiddleware<EdgeTrustMiddleware>();
        return app;
    }
}

public static class EdgeTrustHttpContextExtensions
{
    /// <summary>The caller the Edge vouched for; null on anonymous requests or before <c>UseEdgeTrust</c>.</summary>
    public static EdgeCaller? GetEdgeCaller(this HttpContext context) => context.Features.Get<EdgeCaller>();
}
