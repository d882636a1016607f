using System.Text.Json.Serialization;

namespace AgentCore.Gateway.Audit.Query;

/// <summary>A stored event as the API returns it; <c>subject</c> and <c>source_address</c> are pseudonyms.</summary>
internal sealed record AuditEventResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("actor")] AuditActorResponse Actor,
    [property: JsonPropertyName("source_address")] string? SourceAddress,
    [property: JsonPropertyName("request_id")] string? RequestId,
    [property: JsonPropertyName("route")] string? Route,
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("details")] IReadOnlyDictionary<string, string>? Details);
