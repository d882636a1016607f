using Scalar.AspNetCore;

namespace AgentCore.Gateway.Edge.OpenApi;

internal static class OpenApiExtensions
{
    public const string DocumentPath = "/api/v1/openapi.json";

    /// <summary>
    /// The public API's OpenAPI document. Most of the API is proxied, so ASP.NET Core cannot discover it: the
    /// proxied operations and the security schemes live in a hand-maintained document that a transformer merges in.
    /// </summary>
    public static IHostApplicationBuilder AddEdgeApiDocumentation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi("v1", options => options.AddDocumentTransformer<PublicApiDocumentTransformer>());
        return builder;
    }

    /// <summary>The document at <see cref="DocumentPath"/> and the Scalar portal at <c>/docs</c>.</summary>
    public static WebApplication MapEdgeApiDocumentation(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath).DisableHttpMetrics();
        app.MapScalarApiReference("/docs", scalar => scalar
            .WithTitle("AgentCore Gateway API")
            .WithOpenApiRoutePattern(DocumentPath))
            .DisableHttpMetrics();
        return app;
    }
}
