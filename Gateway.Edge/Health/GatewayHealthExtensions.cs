namespace AgentCore.Gateway.Edge.Health;

internal static class GatewayHealthExtensions
{
    public static IHostApplicationBuilder AddGatewayHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<GatewayHealthEvaluator>();
        return builder;
    }

    /// <summary><c>GET /api/v1/health</c>: 200 when healthy or degraded, 503 when unhealthy.</summary>
    public static WebApplication MapGatewayHealth(this WebApplication app)
    {
        app.MapGet("/api/v1/health", async (GatewayHealthEvaluator evaluator, HttpContext context) =>
        {
            var report = await evaluator.EvaluateAsync(context.RequestAborted);
            context.Response.Headers.CacheControl = "no-store";
            return TypedResults.Json(
                report,
                statusCode: report.Status == HealthStatusNames.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
        })
        .WithName("GetGatewayHealth")
        .DisableHttpMetrics();
        return app;
    }
}
