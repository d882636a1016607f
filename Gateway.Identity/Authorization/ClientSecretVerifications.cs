using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace AgentCore.Gateway.Identity.Authorization;

/// <summary>
/// Remembers for a while that a presented client secret matched a stored secret hash. Stored client secrets are
/// PBKDF2 hashes (10,000 iterations, about 2 ms of CPU each), which a confidential client asking for a token many
/// times a second would otherwise pay on every request. Only matches are remembered, so guessing a secret still costs
/// a full PBKDF2 per attempt; the stored hash is part of the key, so a changed secret is never matched from memory.
/// Keys are HMACs under a key that lives only in this process: the memory holds no secret in a usable form.
/// </summary>
internal sealed class ClientSecretVerifications(TimeProvider time)
{
    /// <summary>How long a verified secret is trusted without running PBKDF2 again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private const int MaxEntries = 10_000;

    private readonly byte[] key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<UInt128, DateTimeOffset> verified = new();

    public bool IsVerified(string storedHash, string secret) =>
        verified.TryGetValue(Fingerprint(storedHash, secret), out var until) && until > time.GetUtcNow();

    public void Remember(string storedHash, string secret)
    {
        if (verified.Count >= MaxEntries)
        {
            verified.Clear();
        }

        verified[Fingerprint(storedHash, secret)] = time.GetUtcNow() + Lifetime;
    }

    private UInt128 Fingerprint(string storedHash, string secret)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(storedHash + "\n" + secret), mac);
        return BitConverter.ToUInt128(mac);
    }
}
