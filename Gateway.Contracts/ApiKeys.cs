using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace AgentCore.Gateway.Contracts;

/// <summary>
/// What Identity publishes to Redis about each API key, and what the Edge reads to authenticate <c>X-API-Key</c>
/// without calling Identity. The key itself is never stored: only its SHA-256 (keys carry 256 random bits, so a
/// fast hash is enough). A revoked key is deleted from Redis and announced on <see cref="ApiKeys.RevocationChannel"/>.
/// </summary>
public sealed record ApiKeyRecord(
    [property: JsonPropertyName("key_id")] string KeyId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("scopes")] IReadOnlyList<string> Scopes,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt);

public static class ApiKeys
{
    /// <summary>The request header that carries an API key.</summary>
    public const string Header = "X-API-Key";

    /// <summary>The prefix of every key, so leaked keys are recognisable by secret scanners.</summary>
    public const string Prefix = "agc_";

    /// <summary>
    /// The scopes an API key may carry: those of the agents API, whose backend trusts the caller the Edge vouches for.
    /// Realtime and Audit accept only bearer tokens, so a key with their scopes would pass the Edge and then fail.
    /// Identity refuses any other scope when it creates a key; the Edge's public document offers API keys only on the
    /// routes whose scopes are all among these.
    /// </summary>
    public static IReadOnlySet<string> GrantableScopes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        GatewayScopes.AgentsRead, GatewayScopes.AgentsWrite,
    };

    /// <summary>Redis pub/sub channel on which the hash of a revoked key is announced.</summary>
    public const string RevocationChannel = "agentcore:apikeys:revoked";

    /// <summary>The Redis key (a string holding the <see cref="ApiKeyRecord"/> JSON) for an API key's hash.</summary>
    public static string RedisKey(string keyHash) => "agentcore:apikeys:" + keyHash;

    /// <summary>Lower-case hex SHA-256 of the key as presented.</summary>
    public static string Hash(string apiKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));
}
