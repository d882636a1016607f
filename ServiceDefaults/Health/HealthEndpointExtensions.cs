using System.Text.Json;
using System.Text.Json.Serialization;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.ServiceDefaults.Health;

/// <summary>
/// <c>/alive</c> is liveness (the process answers), <c>/health</c> and <c>/ready</c> are readiness (every dependency
/// answers), and <c>/ready/{need}</c> is the readiness of one group of routes (liveness and the dependencies that group
/// uses, as <see cref="RequestReadinessExtensions.AddRequestReadiness"/> declared them; 404 for a need nobody declared).
/// Readiness writes each check's status as JSON, and for a failing check its description (a sentence the check
/// wrote, such as which Redis commands are missing), never exception text.
/// </summary>
public static class HealthEndpointExtensions
{
    /// <summary>Tag of the checks that liveness runs; every other check counts for readiness only.</summary>
    public const string LiveTag = "live";

    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var readiness = new HealthCheckOptions { ResponseWriter = WriteReportAsync };
        endpoints.MapHealthChecks("/health", readiness).DisableHttpMetrics();
        endpoints.MapHealthChecks("/ready", readiness).DisableHttpMetrics();
        endpoints.MapGet("/ready/{need}", ReadyForAsync).DisableHttpMetrics().ExcludeFromDescription();
        endpoints.MapHealthChecks("/alive", new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(LiveTag),
            ResponseWriter = WriteReportAsync,
        }).DisableHttpMetrics();
        return endpoints;
    }

    private static async Task ReadyForAsync(string need, HttpContext context, HealthCheckService health, IOptions<HealthCheckServiceOptions> options)
    {
        var tag = RequestReadinessExtensions.NeedTag(need);
        if (!options.Value.Registrations.Any(registration => registration.Tags.Contains(tag)))
        {
            await ErrorResponses.WriteAsync(context, StatusCodes.Status404NotFound, ErrorCodes.NotFound, "This service declares no readiness by that name.").ConfigureAwait(false);
            return;
        }

        var report = await health.CheckHealthAsync(registration => registration.Tags.Contains(LiveTag) || registration.Tags.Contains(tag), context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        await WriteReportAsync(context, report).ConfigureAwait(false);
    }

    private static Task WriteReportAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new CheckEntry(
                    entry.Value.Status.ToString().ToLowerInvariant(),
                    entry.Value.Duration.TotalMilliseconds,
                    entry.Value.Status == HealthStatus.Healthy ? null : entry.Value.Description)),
        };
        return context.Response.WriteAsJsonAsync(body, SerializerOptions, context.RequestAborted);
    }

    private sealed record CheckEntry(
        [property: JsonPropertyName("status")] string Status,
        [property: JsonPropertyName("duration_ms")] double DurationMs,
        [property: JsonPropertyName("description"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Description);
}
