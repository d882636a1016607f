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

    /// <summary>A lease for one more connection of the caller, or the limit that refused it.</summary>
    public async Task<(ConnectionLease? Lease, QuotaRefusal Refusal)> TryAcquireAsync(string tenantId, string subject)
    {
        var settings = options.Value;
        var lease = new ConnectionLease(this, SubjectKey(tenantId, subject), TenantKey(tenantId), Guid.NewGuid().ToString("N"));
        try
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var result = (int)await redis.GetDatabase().ScriptEvaluateAsync(
                AdmitScript,
                [lease.SubjectKey, lease.TenantKey],
                [now, now + (long)settings.LeaseDuration.TotalMilliseconds, lease.Member, settings.MaxConnectionsPerSubject,
                 settings.MaxConnectionsPerTenant, (long)settings.LeaseDuration.TotalMilliseconds]).ConfigureAwait(false);
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

    /// <summary>Moves every open lease of this instance forward by a lease duration.</summary>
    public async Task RenewAsync()
    {
        var expiry = (time.GetUtcNow() + options.Value.LeaseDuration).ToUnixTimeMilliseconds();
        var batch = redis.GetDatabase().CreateBatch();
        var renewals = new List<Task>();
        foreach (var lease in open.Keys)
        {
            renewals.Add(batch.SortedSetAddAsync(lease.SubjectKey, lease.Member, expiry, SortedSetWhen.Exists));
            renewals.Add(batch.SortedSetAddAsync(lease.TenantKey, lease.Member, expiry, SortedSetWhen.Exists));
            renewals.Add(batch.KeyExpireAsync(lease.SubjectKey, options.Value.LeaseDuration));
            renewals.Add(batch.KeyExpireAsync(lease.TenantKey, options.Value.LeaseDuration));
        }

        batch.Execute();
        await Task.WhenAll(renewals).ConfigureAwait(false);
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
            await Task.WhenAll(
                database.SortedSetRemoveAsync(lease.SubjectKey, lease.Member),
                database.SortedSetRemoveAsync(lease.TenantKey, lease.Member)).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // The lease runs out on its own.
            LogQuotaUnavailable(logger, exception);
        }
    }

    /// <summary>Both keys carry the tenant as their hash tag, so the script's keys share a Redis Cluster slot.</summary>
    private static string TenantKey(string tenantId) =>
        string.Create(CultureInfo.InvariantCulture, $"agentcore:realtime:connections:{{{tenantId}}}");

    private static string SubjectKey(string tenantId, string subject) =>
        string.Create(CultureInfo.InvariantCulture, $"agentcore:realtime:connections:{{{tenantId}}}:{subject}");

    [LoggerMessage(Level = LogLevel.Warning, Message = "The realtime connection quota cannot reach Redis; connections are admitted without it")]
    private static partial void LogQuotaUnavailable(ILogger logger, Exception exception);
}

/// <summary>One admitted connection's place in the quota; dispose it when the connection ends.</summary>
internal sealed class ConnectionLease(ConnectionQuota quota, string subjectKey, string tenantKey, string member) : IAsyncDisposable
{
    public string SubjectKey { get; } = subjectKey;

    public string TenantKey { get; } = tenantKey;

    public string Member { get; } = member;

    public ValueTask DisposeAsync() => quota.ReleaseAsync(this);
}
