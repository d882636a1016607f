using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Contracts;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Edge.RateLimiting;

/// <summary>The configured policies by name, built once.</summary>
internal sealed class RateLimitPolicies : IDisposable
{
    private readonly Dictionary<string, RateLimitPolicy> policies;

    public RateLimitPolicies(IOptions<RateLimitingOptions> options, RedisRateLimitStore store, RateLimitingMetrics metrics, TimeProvider time)
    {
        policies = new Dictionary<string, RateLimitPolicy>(StringComparer.Ordinal);
        foreach (var (name, policy) in options.Value.Policies)
        {
            policies[name] = new RateLimitPolicy(name, policy, store, metrics, time);
        }
    }

    public RateLimitPolicy this[string name] => policies[name];

    public bool TryGet(string name, out RateLimitPolicy policy) => policies.TryGetValue(name, out policy!);

    public void Dispose()
    {
        foreach (var policy in policies.Values)
        {
            policy.Dispose();
        }
    }
}

/// <summary>
/// One configured policy: each request maps to a partition, made of every limit's counting key, and each partition has
/// its own <see cref="DistributedRateLimiter"/>, created on first use and retired once idle for <see cref="IdleLimit"/>.
/// </summary>
/// <remarks>
/// A partition is keyed in memory by the values of the dimensions its limits count by, as they already exist on the
/// request (the caller's strings, the peer's address object), so that a request of a known caller builds no string and
/// hashes nothing; the values are hashed into Redis keys only when a partition's limiter is created.
/// </remarks>
internal sealed class RateLimitPolicy : IDisposable
{
    /// <summary>How long a partition's limiter may go unused before it is retired, as in ASP.NET Core's partitioned limiter.</summary>
    public static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(10);

    private readonly RedisRateLimitStore store;
    private readonly RateLimitingMetrics metrics;
    private readonly TimeProvider time;

    /// <summary>The distinct dimensions the limits count by, in order of first use; at most <see cref="PartitionKey.MaxValues"/>.</summary>
    private readonly PartitionDimension[] dimensions;

    /// <summary>For each limit, the positions in <see cref="dimensions"/> of its own dimensions, in its order.</summary>
    private readonly int[][] limitDimensions;

    private readonly ConcurrentDictionary<PartitionKey, DistributedRateLimiter> partitions = new();
    private readonly ITimer sweeper;

    public RateLimitPolicy(string name, RateLimitPolicyOptions options, RedisRateLimitStore store, RateLimitingMetrics metrics, TimeProvider time)
    {
        Name = name;
        Options = options;
        this.store = store;
        this.metrics = metrics;
        this.time = time;
        dimensions = [.. options.Limits.SelectMany(limit => limit.Dimensions).Distinct()];
        limitDimensions = [.. options.Limits.Select(limit => limit.Dimensions.Select(dimension => Array.IndexOf(dimensions, dimension)).ToArray())];
        sweeper = time.CreateTimer(static state => ((RateLimitPolicy)state!).RetireIdle(), this, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public string Name { get; }

    public RateLimitPolicyOptions Options { get; }

    /// <summary>How many partitions have a limiter now.</summary>
    public int PartitionCount => partitions.Count;

    /// <summary>
    /// The request's partition: <paramref name="identity"/> when authenticated (an anonymous caller counts by its source
    /// address wherever a caller, client, key or tenant is asked for), and <paramref name="routeId"/> for the route.
    /// </summary>
    public PartitionKey PartitionOf(HttpContext context, GatewayIdentity? identity, string routeId)
    {
        var key = new PartitionKey(dimensions.Length);
        var address = context.Connection.RemoteIpAddress;
        var caller = identity is null ? null : CallerSegments.Of(identity, context.Request);
        for (var index = 0; index < dimensions.Length; index++)
        {
            key[index] = dimensions[index] switch
            {
                PartitionDimension.Caller => caller?.Caller ?? (object?)address,
                PartitionDimension.Client => caller?.Client ?? (object?)address,
                PartitionDimension.Tenant => caller?.Tenant ?? (object?)address,
                PartitionDimension.ApiKey => caller?.ApiKey ?? CallerSegments.PresentedApiKey(context.Request) ?? (object?)address,
                PartitionDimension.Route => routeId,
                _ => address,
            };
        }

        return key;
    }

    /// <summary>The fast path: true when admitted from local leases; null when only <see cref="AdmitAsync"/> can decide.</summary>
    public bool? TryAdmit(in PartitionKey key, RateLimitDecision decision) =>
        LimiterOf(key).TryTakeLocally(decision) == LimitOutcome.Admitted ? true : null;

    /// <summary>The full path: leases refilled from Redis, or the failure mode. True when admitted.</summary>
    public async ValueTask<bool> AdmitAsync(PartitionKey key, RateLimitDecision decision)
    {
        while (true)
        {
            var outcome = await LimiterOf(key).TakeAsync(decision);
            if (outcome != LimitOutcome.Retired)
            {
                return outcome == LimitOutcome.Admitted;
            }
        }
    }

    public void Dispose()
    {
        sweeper.Dispose();
        foreach (var limiter in partitions.Values)
        {
            limiter.Dispose();
        }

        partitions.Clear();
    }

    private DistributedRateLimiter LimiterOf(in PartitionKey key) =>
        partitions.TryGetValue(key, out var limiter) ? limiter : partitions.GetOrAdd(key, static (key, policy) => policy.Create(key), this);

    private DistributedRateLimiter Create(PartitionKey key)
    {
        var redisKeys = new string[limitDimensions.Length];
        var partition = new StringBuilder();
        for (var limit = 0; limit < redisKeys.Length; limit++)
        {
            partition.Clear();
            foreach (var position in limitDimensions[limit])
            {
                partition.Append(Segment(key[position])).Append('|');
            }

            redisKeys[limit] = RedisKey(limit, partition.ToString());
        }

        return new DistributedRateLimiter(Name, Options, redisKeys, store, metrics, time);
    }

    /// <summary>
    /// <c>ratelimit:{policy:partition}:limit</c>: the hash tag keeps one caller's keys on one Redis Cluster slot, and
    /// callers' identities are hashed so that no raw address or key ever becomes a Redis key.
    /// </summary>
    private string RedisKey(int limit, string partition) =>
        $"ratelimit:{{{Name}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(partition)))[..32]}}}:{limit}";

    /// <summary>A partition value as the counting key names it: callers' segments as they are, an address as <c>address:…</c>.</summary>
    private static string Segment(object? value) => value as string ?? "address:" + (value as IPAddress);

    /// <summary>Retires limiters unused for <see cref="IdleLimit"/>; their Redis keys expire with their windows.</summary>
    private void RetireIdle()
    {
        foreach (var (key, limiter) in partitions)
        {
            if (limiter.IdleDuration >= IdleLimit && partitions.TryRemove(new KeyValuePair<PartitionKey, DistributedRateLimiter>(key, limiter)))
            {
                limiter.Dispose();
            }
        }
    }
}

/// <summary>
/// The values a partition is counted by: strings that name callers, routes or keys, and <see cref="IPAddress"/> objects,
/// compared by value. Fixed-size, so that finding a known partition allocates nothing.
/// </summary>
internal struct PartitionKey : IEquatable<PartitionKey>
{
    /// <summary>As many values as there are dimensions to count by.</summary>
    public const int MaxValues = 6;

    private Values values;
    private readonly int count;

    public PartitionKey(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxValues);
        this.count = count;
    }

    public object? this[int index]
    {
        readonly get => values[index];
        set => values[index] = value;
    }

    public readonly bool Equals(PartitionKey other)
    {
        if (count != other.count)
        {
            return false;
        }

        for (var index = 0; index < count; index++)
        {
            if (!Equals(values[index], other.values[index]))
            {
                return false;
            }
        }

        return true;
    }

    public override readonly bool Equals(object? obj) => obj is PartitionKey other && Equals(other);

    public override readonly int GetHashCode()
    {
        var hash = new HashCode();
        for (var index = 0; index < count; index++)
        {
            hash.Add(values[index]);
        }

        return hash.ToHashCode();
    }

    [InlineArray(MaxValues)]
    private struct Values
    {
        private object? value;
    }
}

/// <summary>
/// How an authenticated caller is counted, built once per identity (identities are cached with their token or key):
/// <c>key:…</c> for an API key, <c>user:tenant|subject</c> for a user (so that every user of a shared public client has
/// a quota of their own), <c>client:…</c> for a client-credentials caller; a caller bound to no tenant is a tenant of
/// its own.
/// </summary>
internal sealed class CallerSegments
{
    private static readonly ConditionalWeakTable<GatewayIdentity, CallerSegments> Known = [];

    private CallerSegments(GatewayIdentity identity, HttpRequest request)
    {
        var caller = identity.Caller;
        Client = "client:" + caller.ClientId;
        ApiKey = identity.AuthenticationType == ApiKeyAuthenticationType ? PresentedApiKey(request) : null;
        Caller = ApiKey ?? (caller.Subject == caller.ClientId ? Client : "user:" + caller.TenantId + "|" + caller.Subject);
        Tenant = caller.TenantId.Length > 0 ? "tenant:" + caller.TenantId : Caller;
    }

    /// <summary>The authentication type of identities made from API keys.</summary>
    public const string ApiKeyAuthenticationType = "ApiKey";

    public string Caller { get; }

    public string Client { get; }

    public string Tenant { get; }

    /// <summary><c>key:…</c> when the caller is an API key; null otherwise.</summary>
    public string? ApiKey { get; }

    public static CallerSegments Of(GatewayIdentity identity, HttpRequest request)
    {
        if (!Known.TryGetValue(identity, out var segments))
        {
            segments = new CallerSegments(identity, request);
            Known.AddOrUpdate(identity, segments);
        }

        return segments;
    }

    /// <summary><c>key:</c> and the hash of the one <c>X-API-Key</c> the request carries; null when it carries none.</summary>
    public static string? PresentedApiKey(HttpRequest request) =>
        request.Headers[ApiKeys.Header] is [{ Length: > 0 } key] ? "key:" + ApiKeys.Hash(key) : null;
}
