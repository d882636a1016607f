using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentCore.Gateway.Edge.Health;

internal static class GatewayHealthExtensions
{
    private const string JsonMediaType = "application/json";

    public static IHostApplicationBuilder AddGatewayHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<GatewayHealthEvaluator>();
        return builder;
    }

    /// <summary><c>GET /api/v1/health</c>: 200 when healthy or degraded, 503 when unhealthy.</summary>
    public static WebApplication MapGatewayHealth(this WebApplication app)
    {
        app.MapGet("/api/v1/health", async Task<Results<Ok<GatewayHealthReport>, JsonHttpResult<GatewayHealthReport>>> (GatewayHealthEvaluator evaluator, HttpContext context) =>
        {
            var report = await evaluator.EvaluateAsync(context.RequestAborted);
            context.Response.Headers.CacheControl = "no-store";
            return report.Status == HealthStatusNames.Unhealthy
                ? TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable)
                : TypedResults.Ok(report);
        })
        .WithName("GetGatewayHealth")
        .WithSummary("Gateway and backend health")
        .WithDescription("Built from the Edge's own probes of every backend (no extra calls): healthy when every service is, unhealthy when none can take traffic, degraded in between. Never cached.")
        .WithMetadata(
            new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(GatewayHealthReport), [JsonMediaType]) { Description = "Healthy or degraded." },
            new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, typeof(GatewayHealthReport), [JsonMediaType]) { Description = "Unhealthy." })
        .ProducesError(StatusCodes.Status400BadRequest, $"{GatewayHeaders.RequestId} is not a UUID ({ErrorCodes.InvalidRequest}).")
        .AsPublicApi("health")
        .DisableHttpMetrics();
        return app;
    }
}
