using System.ComponentModel;
using System.Text.Json.Serialization;

namespace AgentCore.Gateway.Identity.ApiKeys;

/// <summary>
/// The request body of <c>POST /api/v1/auth/api-keys</c>. Every member may be missing or null on the wire: the
/// endpoint reports each invalid one by name (its limits are in <see cref="ApiKeyRequestSchema"/>).
/// </summary>
internal sealed record CreateApiKeyRequest(
    [property: JsonPropertyName("name"), Description("Not blank.")] string? Name,
    [property: JsonPropertyName("tenant_id"), Description("An existing tenant.")] string? TenantId,
    [property: JsonPropertyName("scopes")] IReadOnlyList<string>? Scopes,
    [property: JsonPropertyName("expires_in_days"), Description("Lifetime in days. Default and maximum are configurable (Identity:ApiKeys:DefaultLifetimeDays, MaxLifetimeDays).")]
    int? ExpiresInDays = null);
