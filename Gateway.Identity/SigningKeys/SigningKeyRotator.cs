using System.Collections.Concurrent;
using System.Security.Cryptography;
using AgentCore.Gateway.Identity.Authorization;
using AgentCore.Gateway.Identity.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AgentCore.Gateway.Identity.SigningKeys;

/// <summary>
/// Keeps the key set in PostgreSQL on schedule and loads it into the <see cref="SigningKeyRing"/>. Every instance runs
/// it; a PostgreSQL advisory lock makes one of them create a key while the others wait and then load it.
/// A key goes through three phases: published ahead of use (<see cref="SigningKeyOptions.PublicationLead"/>), signing,
/// and retired but still published until every token it signed has expired.
/// </summary>
internal sealed partial class SigningKeyRotator(
    IServiceScopeFactory scopes,
    SigningKeyRing ring,
    IDataProtectionProvider dataProtection,
    IOptions<SigningKeyOptions> options,
    IOptions<TokenLifetimeOptions> lifetimes,
    TimeProvider time,
    ILogger<SigningKeyRotator> logger)
{
    private const long AdvisoryLockId = 0x41474353_4B455953;
    private readonly IDataProtector protector = dataProtection.CreateProtector("AgentCore.Gateway.Identity.SigningKeys");
    private readonly ConcurrentDictionary<string, RsaSecurityKey> loaded = new(StringComparer.Ordinal);

    public async Task RotateAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityStoreDbContext>();
        var now = time.GetUtcNow();
        var retention = lifetimes.Value.AccessTokenLifetime + options.Value.RetentionMargin;

        // Retried as a whole on transient failures, as the Npgsql execution strategy requires of explicit transactions.
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AdvisoryLockId})", cancellationToken);
            var keys = await db.SigningKeys.ToListAsync(cancellationToken);
            EnsureEncryptionKey(db, keys, now);
            EnsureSigningKeys(db, keys, now);
            db.SigningKeys.RemoveRange(keys.Where(key => key.RetiresAt + retention <= now));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        });

        var published = await db.SigningKeys.AsNoTracking().ToListAsync(cancellationToken);
        ring.Update(BuildKeySet(published, now));
    }

    private void EnsureEncryptionKey(IdentityStoreDbContext db, List<StoredSigningKey> keys, DateTimeOffset now)
    {
        if (!keys.Exists(key => key.Use == StoredSigningKey.EncryptionUse))
        {
            var key = CreateKey(StoredSigningKey.EncryptionUse, now, now);
            keys.Add(key);
            db.SigningKeys.Add(key);
        }
    }

    private void EnsureSigningKeys(IdentityStoreDbContext db, List<StoredSigningKey> keys, DateTimeOffset now)
    {
        var newest = keys.Where(key => key.Use == StoredSigningKey.SignatureUse).MaxBy(key => key.ActivatesAt);
        if (newest is null)
        {
            // The very first key signs at once: there is no older key whose validators could be surprised by it.
            var first = CreateKey(StoredSigningKey.SignatureUse, now, now);
            keys.Add(first);
            db.SigningKeys.Add(first);
            LogKeyCreated(logger, first.Id, first.ActivatesAt);
            return;
        }

        var settings = options.Value;
        if (now < newest.ActivatesAt + settings.RotationInterval - settings.PublicationLead)
        {
            return;
        }

        // After downtime the scheduled time may have passed: the successor still waits its full lead time.
        var activatesAt = newest.ActivatesAt + settings.RotationInterval;
        if (activatesAt < now + settings.PublicationLead)
        {
            activatesAt = now + settings.PublicationLead;
        }

        var successor = CreateKey(StoredSigningKey.SignatureUse, now, activatesAt);
        newest.RetiresAt = activatesAt;
        keys.Add(successor);
        db.SigningKeys.Add(successor);
        LogKeyCreated(logger, successor.Id, successor.ActivatesAt);
    }

    private StoredSigningKey CreateKey(string use, DateTimeOffset now, DateTimeOffset activatesAt)
    {
        using var rsa = RSA.Create(options.Value.KeySize);
        return new StoredSigningKey
        {
            Id = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
            Use = use,
            CreatedAt = now,
            ActivatesAt = activatesAt,
            ProtectedPrivateKey = Convert.ToBase64String(protector.Protect(rsa.ExportPkcs8PrivateKey())),
        };
    }

    private SigningKeySet BuildKeySet(List<StoredSigningKey> keys, DateTimeOffset now)
    {
        var signing = keys.Where(key => key.Use == StoredSigningKey.SignatureUse).ToList();
        var signer = signing.Where(key => key.ActivatesAt <= now).MaxBy(key => key.ActivatesAt)
            ?? signing.MinBy(key => key.ActivatesAt)!;

        // OpenIddict signs with the first credential it holds, and its own sort keeps the order of RSA keys.
        var ordered = signing.OrderByDescending(key => key == signer).ThenByDescending(key => key.ActivatesAt).ToList();
        var encryption = keys.Where(key => key.Use == StoredSigningKey.EncryptionUse).OrderByDescending(key => key.CreatedAt).ToList();

        return new SigningKeySet(
            [.. ordered.Select(key => new SigningCredentials(Load(key), SecurityAlgorithms.RsaSha256))],
            [.. encryption.Select(key => new EncryptingCredentials(Load(key), SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512))],
            string.Join(',', ordered.Select(key => key.Id)) + "|" + string.Join(',', encryption.Select(key => key.Id)));
    }

    private RsaSecurityKey Load(StoredSigningKey key) => loaded.GetOrAdd(key.Id, (id, stored) =>
    {
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(protector.Unprotect(Convert.FromBase64String(stored.ProtectedPrivateKey)), out _);
        return new RsaSecurityKey(rsa) { KeyId = id };
    }, key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created signing key {KeyId}; it signs from {ActivatesAt}")]
    private static partial void LogKeyCreated(ILogger logger, string keyId, DateTimeOffset activatesAt);
}
