using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace AgentCore.Gateway.Identity.ApiKeys;

/// <summary>The answer that creates an API key: the key as listed, never revoked yet, and the key itself, shown only here.</summary>
internal sealed record ApiKeyCreated(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("scopes")] IReadOnlyList<string> Scopes,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt,
    [property: JsonPropertyName("key"), RegularExpression("^" + Contracts.ApiKeys.Prefix), Description("The key itself (send it as X-API-Key), shown only in this answer.")]
    string Key)
{
    public static ApiKeyCreated Of(StoredApiKey key, string secret) =>
        new(Guid.Parse(key.Id), key.Name, key.TenantId, key.Scopes, key.CreatedAt, key.ExpiresAt, secret);
}
