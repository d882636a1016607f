using System.Text.Json.Serialization;

namespace AgentCore.Gateway.Audit.Query;

internal sealed record AuditEventPage(
    [property: JsonPropertyName("events")] IReadOnlyList<AuditEventResponse> Events,
    [property: JsonPropertyName("next_cursor")] string? NextCursor);
