using System.Collections.Concurrent;
using System.Collections.Frozen;
using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Authentication.Revocation;

/// <summary>
/// The local deny set: every <see cref="TokenRevocation"/> Identity announced that can still match a valid token.
/// Reads are lock-free lookups in an immutable snapshot, so checking each request costs a few hash lookups (none at
/// all while nothing is revoked); the rare additions rebuild the snapshot. Open connections watch their identity and
/// are told the moment it is revoked.
/// </summary>
public sealed class RevocationList(TimeProvider time)
{
    private readonly Lock writeLock = new();
    private readonly ConcurrentDictionary<Watcher, byte> watches = new();
    private volatile Snapshot current = Snapshot.Empty;

    /// <summary>How many revocations are held.</summary>
    public int Count => current.Count;

    /// <summary>True when a held revocation matches the access token behind <paramref name="identity"/>.</summary>
    public bool IsRevoked(GatewayIdentity identity)
    {
        var snapshot = current;
        return snapshot.Count > 0 && identity.Token is { } token && snapshot.Matches(identity.Caller.Subject, identity.Caller.ClientId, token);
    }

    /// <summary>True when <paramref name="subject"/> was signed out everywhere at or after <paramref name="issuedAt"/>.</summary>
    public bool IsSubjectRevoked(string subject, DateTimeOffset issuedAt)
    {
        var snapshot = current;
        return snapshot.Count > 0 && snapshot.Matches(subject, clientId: string.Empty, new AccessTokenFacts(null, null, issuedAt, DateTimeOffset.MaxValue));
    }

    /// <summary>
    /// Calls <paramref name="onRevoked"/> once, when a revocation matching <paramref name="identity"/> arrives (at once
    /// if one is already held). Dispose the result when the connection ends.
    /// </summary>
    public IDisposable Watch(GatewayIdentity identity, Action onRevoked)
    {
        var watch = new Watcher(this, identity, onRevoked);
        watches.TryAdd(watch, 0);
        if (IsRevoked(identity))
        {
            watch.Fire();
        }

        return watch;
    }

    /// <summary>Holds <paramref name="revocations"/> (added to what is held; a revocation is never lifted) and tells the watchers.</summary>
    public void Add(IEnumerable<TokenRevocation> revocations)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        Snapshot updated;
        lock (writeLock)
        {
            var entries = current.Entries.Where(entry => entry.ExpiresAt > now).ToHashSet();
            var changed = entries.Count != current.Count;
            foreach (var revocation in revocations)
            {
                changed |= revocation.ExpiresAt > now && entries.Add(revocation);
            }

            if (!changed)
            {
                return;
            }

            updated = new Snapshot(entries);
            current = updated;
        }

        foreach (var watch in watches.Keys)
        {
            if (watch.Identity.Token is { } token && updated.Matches(watch.Identity.Caller.Subject, watch.Identity.Caller.ClientId, token))
            {
                watch.Fire();
            }
        }
    }

    private sealed class Watcher(RevocationList list, GatewayIdentity identity, Action onRevoked) : IDisposable
    {
        private int fired;

        public GatewayIdentity Identity { get; } = identity;

        public void Fire()
        {
            if (Interlocked.Exchange(ref fired, 1) == 0)
            {
                list.watches.TryRemove(this, out _);

                // Off the caller's thread (Redis's subscriber): ending a connection runs its own continuations.
                ThreadPool.QueueUserWorkItem(static callback => callback(), onRevoked, preferLocal: false);
            }
        }

        public void Dispose() => list.watches.TryRemove(this, out _);
    }

    /// <summary>The revocations by kind: token and authorization ids to nothing, subjects and clients to their revocation time.</summary>
    private sealed class Snapshot
    {
        public static readonly Snapshot Empty = new([]);

        private readonly FrozenSet<string> tokens;
        private readonly FrozenSet<string> authorizations;
        private readonly FrozenDictionary<string, long> subjects;
        private readonly FrozenDictionary<string, long> clients;

        public Snapshot(IEnumerable<TokenRevocation> entries)
        {
            Entries = [.. entries];
            tokens = Values(TokenRevocationKinds.Token).ToFrozenSet(StringComparer.Ordinal);
            authorizations = Values(TokenRevocationKinds.Authorization).ToFrozenSet(StringComparer.Ordinal);
            subjects = Latest(TokenRevocationKinds.Subject);
            clients = Latest(TokenRevocationKinds.Client);
        }

        public IReadOnlyList<TokenRevocation> Entries { get; }

        public int Count => Entries.Count;

        public bool Matches(string subject, string clientId, AccessTokenFacts token) =>
            (token.TokenId is { } tokenId && tokens.Contains(tokenId))
            || (token.AuthorizationId is { } authorizationId && authorizations.Contains(authorizationId))
            || IssuedBy(subjects, subject, token)
            || IssuedBy(clients, clientId, token);

        /// <summary>The token was issued to <paramref name="key"/> at or before the second it was revoked.</summary>
        private static bool IssuedBy(FrozenDictionary<string, long> revokedAt, string key, AccessTokenFacts token) =>
            revokedAt.Count > 0 && revokedAt.TryGetValue(key, out var seconds) && token.IssuedAt.ToUnixTimeSeconds() <= seconds;

        private IEnumerable<string> Values(string kind) =>
            Entries.Where(entry => entry.Kind == kind).Select(entry => entry.Value);

        private FrozenDictionary<string, long> Latest(string kind) =>
            Entries.Where(entry => entry.Kind == kind)
                .GroupBy(entry => entry.Value, StringComparer.Ordinal)
                .ToFrozenDictionary(group => group.Key, group => group.Max(entry => entry.RevokedAt), StringComparer.Ordinal);
    }
}
