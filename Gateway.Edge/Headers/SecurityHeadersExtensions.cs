using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AgentCore.Gateway.Edge.Headers;

internal static class SecurityHeadersExtensions
{
    public static IHostApplicationBuilder AddEdgeSecurityHeaders(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<SecurityHeadersOptions>(SecurityHeadersOptions.SectionName);
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.AddServerHeader = false);
        return builder;
    }

    /// <summary>First in the pipeline, so even the earliest refusals carry the headers.</summary>
    public static WebApplication UseEdgeSecurityHeaders(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeadersMiddleware>();
        return app;
    }
}
