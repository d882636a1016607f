namespace AgentCore.Gateway.Edge.OpenApi;

internal static class OpenApiExtensions
{
    public static IHostApplicationBuilder AddEdgeApiDocumentation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi("v1");
        return builder;
    }

    public static WebApplication MapEdgeApiDocumentation(this WebApplication app)
    {
        app.MapOpenApi("/api/v1/openapi.json");
        return app;
    }
}
