using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCore.Gateway.Realtime.Limits;

/// <summary>Why a connection was not admitted.</summary>
internal enum QuotaRefusal
{
    None,
    Subject,
    Tenant,
}

/// <summary>
/// Counts open realtime connections per subject and per tenant across every instance, in Redis: each connection is a
/// member of two sorted sets (the subject's, the tenant's) scored by when its lease runs out. One Lua script drops
/// expired members, checks both limits and adds the connection, so that parallel handshakes cannot overshoot. This
/// instance renews its connections' leases (<see cref="ConnectionLeaseRenewer"/>); a crashed instance's connections
/// stop counting when their leases run out. While Redis cannot be asked, connections are admitted (the per-instance
/// connection limit still applies) and the failure is logged.
/// </summary>
internal sealed partial class ConnectionQuota(
    IConnectionMultiplexer redis,
    IOptions<ConnectionLimitsOptions> options,
    TimeProvider time,
    ILogger<ConnectionQuota> logger)
{
    private const string AdmitScript = """
        local now = tonumber(ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
        if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 1 end
        if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return 2 end
        redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
        redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[6])
        redis.call('PEXPIRE', KEYS[2], ARGV[6])
        return 0
        """;

    private readonly ConcurrentDictionary<ConnectionLease, byte> open = new();

    /// <summary>This instance's prefix of lease members; with a counter it names each lease uniquely across instances.</summary>
    private readonly string instance = Guid.NewGuid().ToString("N");
    private long leases;

    /// <summary>A lease for one more connection of the caller, or the limit that refused it.</summary>
    public async Task<(ConnectionLease? Lease, QuotaRefusal Refusal)> TryAcquireAsync(string tenantId, string subject)
    {
        var settings = options.Value;
        var lease = new ConnectionLease(this, tenantId, subject, Interlocked.Increment(ref leases));
        try
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var result = (int)await redis.GetDatabase().ScriptEvaluateAsync(
                AdmitScript,
                [SubjectKey(tenantId, subject), TenantKey(tenantId)],
                [now, now + (long)settings.LeaseDuration.TotalMilliseconds, MemberOf(lease), settings.MaxConnectionsPerSubject,
                 settings.MaxConnectionsPerTenant, (long)settings.LeaseDuration.TotalMilliseconds]);
            if (result != 0)
            {
                return (null, result == 1 ? QuotaRefusal.Subject : QuotaRefusal.Tenant);
            }
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogQuotaUnavailable(logger, exception);
        }

        open.TryAdd(lease, 0);
        return (lease, QuotaRefusal.None);
    }

    /// <summary>
    /// Moves every open lease of this instance forward by a lease duration, in one round trip whatever the number of
    /// connections: one <c>ZADD XX</c> per sorted set with all of its members, and one <c>PEXPIRE</c> per set.
    /// </summary>
    public async Task RenewAsync()
    {
        var duration = options.Value.LeaseDuration;
        var expiry = (time.GetUtcNow() + duration).ToUnixTimeMilliseconds();
        var members = new Dictionary<string, List<SortedSetEntry>>(StringComparer.Ordinal);
        foreach (var lease in open.Keys)
        {
            var entry = new SortedSetEntry(MemberOf(lease), expiry);
            Add(members, SubjectKey(lease.TenantId, lease.Subject), entry);
            Add(members, TenantKey(lease.TenantId), entry);
        }

        if (members.Count == 0)
        {
            return;
        }

        var batch = redis.GetDatabase().CreateBatch();
        var renewals = new List<Task>(members.Count * 2);
        foreach (var (key, entries) in members)
        {
            renewals.Add(batch.SortedSetAddAsync(key, [.. entries], SortedSetWhen.Exists));
            renewals.Add(batch.KeyExpireAsync(key, duration));
        }

        batch.Execute();
        await Task.WhenAll(renewals);

        static void Add(Dictionary<string, List<SortedSetEntry>> members, string key, SortedSetEntry entry)
        {
            if (!members.TryGetValue(key, out var entries))
            {
                members[key] = entries = [];
            }

            entries.Add(entry);
        }
    }

    internal async ValueTask ReleaseAsync(ConnectionLease lease)
    {
        if (!open.TryRemove(lease, out _))
        {
            return;
        }

        try
        {
            var database = redis.GetDatabase();
            var member = MemberOf(lease);
            await Task.WhenAll(
                database.SortedSetRemoveAsync(SubjectKey(lease.TenantId, lease.Subject), member),
                database.SortedSetRemoveAsync(TenantKey(lease.TenantId), member));
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // The lease runs out on its own.
            LogQuotaUnavailable(logger, exception);
        }
    }

    /// <summary>The lease's member in both sorted sets, made when needed rather than held by every open connection.</summary>
    private string MemberOf(ConnectionLease lease) =>
        string.Create(CultureInfo.InvariantCulture, $"{instance}:{lease.Number}");

    /// <summary>Both keys carry the tenant as their hash tag, so the script's keys share a Redis Cluster slot.</summary>
    private static string TenantKey(string tenantId) =>
        string.Create(CultureInfo.InvariantCulture, $"agentcore:realtime:connections:{{{tenantId}}}");

    private static string SubjectKey(string tenantId, string subject) =>
        string.Create(CultureInfo.InvariantCulture, $"agentcore:realtime:connections:{{{tenantId}}}:{subject}");

    [LoggerMessage(Level = LogLevel.Warning, Message = "The realtime connection quota cannot reach Redis; connections are admitted without it")]
    private static partial void LogQuotaUnavailable(ILogger logger, Exception exception);
}

/// <summary>
/// One admitted connection's place in the quota; dispose it when the connection ends. It refers to the caller's own
/// tenant and subject strings (held by its identity anyway) and a number, so an open connection holds no key of its own.
/// </summary>
internal sealed class ConnectionLease(ConnectionQuota quota, string tenantId, string subject, long number) : IAsyncDisposable
{
    public string TenantId { get; } = tenantId;

    public string Subject { get; } = subject;

    /// <summary>This lease's number among the instance's leases.</summary>
    public long Number { get; } = number;

    public ValueTask DisposeAsync() => quota.ReleaseAsync(this);
}
