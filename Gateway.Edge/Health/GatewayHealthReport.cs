using System.Text.Json.Serialization;

namespace AgentCore.Gateway.Edge.Health;

/// <summary>The spec's <c>GET /api/v1/health</c> answer.</summary>
internal sealed record GatewayHealthReport(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("services")] IReadOnlyDictionary<string, ServiceHealth> Services,
    [property: JsonPropertyName("version")] string Version);

/// <summary>One backend service, or one of the Edge's own dependencies, as the Edge sees it.</summary>
/// <param name="Status"><c>healthy</c>, <c>unhealthy</c>, or <c>unknown</c> before the first probe.</param>
/// <param name="HealthyDestinations">How many of the service's replicas currently take traffic; null for a dependency.</param>
/// <param name="Destinations">How many replicas the service has; null for a dependency.</param>
/// <param name="Message">Why a dependency is unhealthy (for Redis, the commands it lacks); null when healthy.</param>
internal sealed record ServiceHealth(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("healthy_destinations"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? HealthyDestinations = null,
    [property: JsonPropertyName("destinations"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Destinations = null,
    [property: JsonPropertyName("message"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message = null);

/// <summary>The status words of the health contract.</summary>
internal static class HealthStatusNames
{
    public const string Healthy = "healthy";
    public const string Degraded = "degraded";
    public const string Unhealthy = "unhealthy";
    public const string Unknown = "unknown";
}
