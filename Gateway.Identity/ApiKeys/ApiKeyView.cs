using System.Text.Json.Serialization;

namespace AgentCore.Gateway.Identity.ApiKeys;

/// <summary>An API key as the admin API shows it; <see cref="Key"/> is set only in the answer that creates it.</summary>
internal sealed record ApiKeyView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("scopes")] IReadOnlyList<string> Scopes,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt,
    [property: JsonPropertyName("revoked_at"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? RevokedAt,
    [property: JsonPropertyName("key"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Key = null)
{
    public static ApiKeyView Of(StoredApiKey key, string? secret = null) =>
        new(key.Id, key.Name, key.TenantId, key.Scopes, key.CreatedAt, key.ExpiresAt, key.RevokedAt, secret);
}
