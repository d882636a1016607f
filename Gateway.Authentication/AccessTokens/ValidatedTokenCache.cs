using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Authentication.AccessTokens;

/// <summary>
/// Tokens that passed validation, keyed by their hash and kept until they expire, so a client reusing its token
/// pays for one signature check instead of one per request. Bounded: when full, expired entries are swept, and if
/// that frees nothing new tokens are simply validated every time until room appears.
/// </summary>
internal sealed class ValidatedTokenCache(IOptions<JwtValidationOptions> options)
{
    private readonly ConcurrentDictionary<TokenHash, Entry> entries = new();
    private int sweeping;

    public bool TryGet(TokenHash key, DateTimeOffset now, out GatewayIdentity identity)
    {
        if (entries.TryGetValue(key, out var entry))
        {
            if (entry.ExpiresAt > now)
            {
                identity = entry.Identity;
                return true;
            }

            entries.TryRemove(key, out _);
        }

        identity = null!;
        return false;
    }

    /// <summary>
    /// Remembers a token until <paramref name="expiresAt"/>, exactly: the clock skew tolerated at validation is not
    /// extended by caching.
    /// </summary>
    public void Add(TokenHash key, GatewayIdentity identity, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        var capacity = options.Value.TokenCacheSize;
        if (entries.Count >= capacity)
        {
            Sweep(now);
            if (entries.Count >= capacity)
            {
                return;
            }
        }

        entries[key] = new Entry(identity, expiresAt);
    }

    public int Count => entries.Count;

    private void Sweep(DateTimeOffset now)
    {
        if (Interlocked.Exchange(ref sweeping, 1) == 1)
        {
            return;
        }

        try
        {
            foreach (var (key, entry) in entries)
            {
                if (entry.ExpiresAt <= now)
                {
                    entries.TryRemove(key, out _);
                }
            }
        }
        finally
        {
            Volatile.Write(ref sweeping, 0);
        }
    }

    private sealed record Entry(GatewayIdentity Identity, DateTimeOffset ExpiresAt);
}
