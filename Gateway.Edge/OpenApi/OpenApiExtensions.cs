using AgentCore.Gateway.Authentication.EdgeTrust;
using AgentCore.Gateway.ServiceDefaults.OpenApi;
using Microsoft.AspNetCore.OpenApi;
using Scalar.AspNetCore;

namespace AgentCore.Gateway.Edge.OpenApi;

internal static class OpenApiExtensions
{
    public const string DocumentPath = "/api/v1/openapi.json";
    public const string PortalPath = "/docs";
    private const string Title = EdgeApiDocumentTransformer.Title;

    /// <summary>
    /// The public API's OpenAPI document. Most of the API is proxied, so ASP.NET Core cannot discover it here: each
    /// service describes its own endpoints, the Edge fetches those documents (keeping the last copy, and a checked-in
    /// snapshot until the first fetch) and composes them with its own document: generated, as a service's is, from the
    /// endpoints it serves itself and what only it knows (<see cref="EdgeApiDocumentTransformer"/>).
    /// </summary>
    public static IHostApplicationBuilder AddEdgeApiDocumentation(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<PublicApiOptions>(PublicApiOptions.SectionName);
        builder.Services.AddSingleton<ServiceApiDocuments>();
        builder.Services.AddHostedService<ServiceApiDocumentRefresher>();
        // Signed as the Edge signs what it forwards: a service's port serves nothing unsigned.
        builder.Services.AddHttpClient(ServiceApiDocumentRefresher.HttpClientName).AddEdgeSignature();
        builder.AddPublicApiDocument();
        builder.Services.Configure<OpenApiOptions>(PublicApiExtensions.DocumentName, options => options.AddDocumentTransformer<EdgeApiDocumentTransformer>());
        // The served document is the composition alone: the Edge's own endpoints enter it through its public document.
        builder.Services.AddOpenApi("v1", options =>
        {
            options.ShouldInclude = _ => false;
            options.AddDocumentTransformer<PublicApiDocumentTransformer>();
        });
        return builder;
    }

    /// <summary>
    /// The document at <see cref="DocumentPath"/> and the Scalar portal at <c>/docs/</c>, every asset served from this
    /// assembly's packages (nothing from a CDN, so air-gapped users see it too), under a strict CSP.
    /// </summary>
    public static WebApplication MapEdgeApiDocumentation(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath).DisableHttpMetrics();

        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(PortalPath, StringComparison.OrdinalIgnoreCase),
            portal => portal.UseMiddleware<PortalMiddleware>());
        app.MapScalarApiReference(PortalPath, (scalar, context) => scalar
            .WithTitle(Title)
            // Absolute, and on the page's own origin whatever name the browser used for the Edge.
            .AddDocument("v1", Title, $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}{DocumentPath}")
            .AddPreferredSecuritySchemes(PublicApiRoutes.OAuthScheme)
            .WithNonce()
            .HideDeveloperTools()
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp())
            .DisableHttpMetrics();
        return app;
    }
}
