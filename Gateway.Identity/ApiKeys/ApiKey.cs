using System.ComponentModel;
using System.Text.Json.Serialization;

namespace AgentCore.Gateway.Identity.ApiKeys;

/// <summary>An API key as the admin API lists it: never the key itself.</summary>
internal sealed record ApiKey(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("scopes")] IReadOnlyList<string> Scopes,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt,
    [property: JsonPropertyName("revoked_at"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), Description("Only on a revoked key.")]
    DateTimeOffset? RevokedAt = null)
{
    public static ApiKey Of(StoredApiKey key) =>
        new(Guid.Parse(key.Id), key.Name, key.TenantId, key.Scopes, key.CreatedAt, key.ExpiresAt, key.RevokedAt);
}
