using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace AgentCore.Gateway.Edge.Health;

/// <summary>The spec's <c>GET /api/v1/health</c> answer; the descriptions are the public API document's.</summary>
internal sealed record GatewayHealthReport(
    [property: JsonPropertyName("status"), AllowedValues(HealthStatusNames.Healthy, HealthStatusNames.Degraded, HealthStatusNames.Unhealthy)]
    [property: Description("Healthy when every service is, unhealthy when no backend can take traffic, degraded in between.")]
    string Status,
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("services"), Description("Per backend cluster (identity, realtime, audit, agentruntime) and per Edge dependency (redis).")]
    IReadOnlyDictionary<string, ServiceHealth> Services,
    [property: JsonPropertyName("version"), Description("The Edge's version.")] string Version);

/// <summary>One backend service, or one of the Edge's own dependencies, as the Edge sees it.</summary>
internal sealed record ServiceHealth(
    [property: JsonPropertyName("status"), AllowedValues(HealthStatusNames.Healthy, HealthStatusNames.Unhealthy, HealthStatusNames.Unknown)]
    [property: Description("unknown before the first probe.")]
    string Status,
    [property: JsonPropertyName("healthy_destinations"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [property: Description("Backends only: replicas that take traffic.")]
    int? HealthyDestinations = null,
    [property: JsonPropertyName("destinations"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [property: Description("Backends only: replicas configured.")]
    int? Destinations = null,
    [property: JsonPropertyName("message"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [property: Description("Dependencies only, when unhealthy: why (for redis, the commands the server lacks).")]
    string? Message = null);

/// <summary>The status words of the health contract.</summary>
internal static class HealthStatusNames
{
    public const string Healthy = "healthy";
    public const string Degraded = "degraded";
    public const string Unhealthy = "unhealthy";
    public const string Unknown = "unknown";
}
