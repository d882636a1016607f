using System.Collections.Concurrent;
using System.Text.Json;
using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Authentication.EdgeTrust;
using AgentCore.Gateway.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCore.Gateway.Edge.Authentication;

/// <summary>
/// Looks API keys up by hash in the records Identity keeps in Redis, with a short in-process cache that revocations
/// evict. The key itself is hashed at once and never stored, logged or compared: only its SHA-256 is, and a lookup by
/// a preimage-resistant hash leaks nothing useful through timing.
/// </summary>
internal sealed class ApiKeyStore(IConnectionMultiplexer redis, IOptions<ApiKeyCacheOptions> options, TimeProvider time)
{
    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    // A key that cannot be looked up is not the caller's failure: 503, and a try again once the Redis client has had
    // time to reconnect (it retries every few seconds).
    private static readonly TimeSpan UnavailableRetryAfter = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    /// <summary>The identity for <paramref name="apiKey"/>, or why it is refused.</summary>
    public async ValueTask<TokenValidation> AuthenticateAsync(string apiKey)
    {
        if (!apiKey.StartsWith(ApiKeys.Prefix, StringComparison.Ordinal) || apiKey.Length > 256)
        {
            return TokenValidation.Fail("The API key is invalid.");
        }

        var hash = ApiKeys.Hash(apiKey);
        var now = time.GetUtcNow();
        if (!entries.TryGetValue(hash, out var entry) || entry.FreshUntil <= now)
        {
            entry = await LoadAsync(hash, now);
            if (entry is null)
            {
                return TokenValidation.Unavailable("API keys cannot be checked right now.", UnavailableRetryAfter);
            }
        }

        if (entry.Identity is null)
        {
            return TokenValidation.Fail("The API key is invalid.");
        }

        return entry.ExpiresAt <= now ? TokenValidation.Fail("The API key has expired.") : TokenValidation.Success(entry.Identity);
    }

    /// <summary>Forgets a key at once; called when its revocation is announced.</summary>
    public void Evict(string keyHash) => entries.TryRemove(keyHash, out _);

    /// <summary>Forgets every key; called when announcements may have been missed.</summary>
    public void EvictAll() => entries.Clear();

    private async Task<Entry?> LoadAsync(string hash, DateTimeOffset now)
    {
        RedisValue json;
        try
        {
            json = await redis.GetDatabase().StringGetAsync(ApiKeys.RedisKey(hash));
        }
        catch (RedisException)
        {
            return null;
        }

        var settings = options.Value;
        Entry entry;
        if (json.IsNullOrEmpty || JsonSerializer.Deserialize<ApiKeyRecord>(json.ToString(), SerializerOptions) is not { } record)
        {
            entry = new Entry(null, DateTimeOffset.MinValue, now + settings.NegativeCacheDuration);
        }
        else
        {
            var caller = new EdgeCaller(record.TenantId, record.KeyId, record.KeyId, string.Join(' ', record.Scopes));
            entry = new Entry(new GatewayIdentity("ApiKey", caller, [], token: null), record.ExpiresAt, now + settings.CacheDuration);
        }

        if (entries.Count < settings.CacheSize || entries.ContainsKey(hash))
        {
            entries[hash] = entry;
        }

        return entry;
    }

    private sealed record Entry(GatewayIdentity? Identity, DateTimeOffset ExpiresAt, DateTimeOffset FreshUntil);
}
