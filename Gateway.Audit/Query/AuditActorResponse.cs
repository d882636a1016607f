using System.Text.Json.Serialization;

namespace AgentCore.Gateway.Audit.Query;

internal sealed record AuditActorResponse(
    [property: JsonPropertyName("client_id")] string? ClientId,
    [property: JsonPropertyName("subject")] string? Subject,
    [property: JsonPropertyName("tenant_id")] string? TenantId);
