using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;

namespace AgentCore.Gateway.Edge.RateLimiting;

/// <summary>
/// The limiter of one partition (one caller, route or tenant) under one policy. Redis holds the truth; permits are
/// taken from it in leases so that most decisions are local. <see cref="PartitionedRateLimiter"/> (inside ASP.NET
/// Core's rate-limiting middleware) creates one per partition and disposes it once <see cref="IdleDuration"/> grows,
/// which is what bounds memory for any number of callers.
/// </summary>
internal sealed class DistributedRateLimiter : RateLimiter
{
    private readonly string policyName;
    private readonly RateLimitPolicyOptions policy;
    private readonly LimitSlot[] slots;
    private readonly RedisRateLimitStore store;
    private readonly RateLimitingMetrics metrics;
    private readonly TimeProvider time;
    private readonly IHttpContextAccessor accessor;
    private long lastUsedTicks;
    private int released;

    public DistributedRateLimiter(
        string policyName,
        RateLimitPolicyOptions policy,
        IReadOnlyList<string> redisKeys,
        RedisRateLimitStore store,
        RateLimitingMetrics metrics,
        TimeProvider time,
        IHttpContextAccessor accessor)
    {
        this.policyName = policyName;
        this.policy = policy;
        this.store = store;
        this.metrics = metrics;
        this.time = time;
        this.accessor = accessor;
        slots = policy.Limits.Select((limit, index) => new LimitSlot(limit, redisKeys[index])).ToArray();
        lastUsedTicks = time.GetUtcNow().UtcTicks;
        metrics.PartitionCreated();
    }

    public override TimeSpan? IdleDuration => time.GetUtcNow() - new DateTimeOffset(Interlocked.Read(ref lastUsedTicks), TimeSpan.Zero);

    public override RateLimiterStatistics? GetStatistics() => new()
    {
        CurrentAvailablePermits = slots.Min(slot => slot.LeaseRemaining),
        CurrentQueuedCount = 0,
    };

    /// <summary>The fast path: admits only when every limit still has a locally leased permit; never asks Redis.</summary>
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        Touch();
        var now = time.GetUtcNow().UtcTicks;
        var taken = 0;
        for (; taken < slots.Length; taken++)
        {
            if (!slots[taken].TryTakeLeased(now))
            {
                break;
            }
        }

        if (taken == slots.Length)
        {
            var decision = Decision();
            foreach (var slot in slots)
            {
                Observe(decision, slot, slot.KnownRemaining(now));
                slot.PrefetchIfLow(store, time);
            }

            return GatewayLease.Admitted;
        }

        for (var index = 0; index < taken; index++)
        {
            slots[index].GiveBack();
        }

        return GatewayLease.Undecided;
    }

    /// <summary>The full path: every limit's lease is refilled from Redis as needed, or the failure mode decides.</summary>
    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Touch();
        var decision = Decision();
        foreach (var slot in slots)
        {
            var outcome = await TakeAsync(slot, decision).ConfigureAwait(false);
            if (outcome is not null)
            {
                return outcome;
            }
        }

        return GatewayLease.Admitted;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Release();
        }

        base.Dispose(disposing);
    }

    /// <summary>The partitioned limiter disposes idle partitions asynchronously, which does not pass through <see cref="Dispose(bool)"/>.</summary>
    protected override async ValueTask DisposeAsyncCore()
    {
        Release();
        await base.DisposeAsyncCore().ConfigureAwait(false);
    }

    private void Release()
    {
        if (Interlocked.Exchange(ref released, 1) == 1)
        {
            return;
        }

        foreach (var slot in slots)
        {
            slot.Dispose();
        }

        metrics.PartitionDisposed();
    }

    /// <summary>
    /// Takes one permit of one limit: from the local lease, else from a refill that concurrent requests share (one Redis
    /// call however many wait), else by the failure mode. Null when admitted; the refusal otherwise.
    /// </summary>
    private async ValueTask<GatewayLease?> TakeAsync(LimitSlot slot, RateLimitDecision decision)
    {
        while (true)
        {
            var now = time.GetUtcNow().UtcTicks;
            if (slot.TryTakeLeased(now))
            {
                Observe(decision, slot, slot.KnownRemaining(now));
                slot.PrefetchIfLow(store, time);
                return null;
            }

            var answer = await slot.RefillAsync(store, time).ConfigureAwait(false);
            if (answer is null)
            {
                return TakeWithoutRedis(slot, decision);
            }

            if (answer.Value.Granted == 0)
            {
                return Refuse(decision, slot, answer.Value.RetryAfter, answer.Value.Remaining);
            }
        }
    }

    private GatewayLease? TakeWithoutRedis(LimitSlot slot, RateLimitDecision decision)
    {
        metrics.DecidedWithoutRedis(policyName, policy.FailureMode);
        if (policy.FailureMode == RedisFailureMode.FailClosed)
        {
            decision.LimiterUnavailable = true;
            decision.RetryAfter = TimeSpan.FromSeconds(1);
            metrics.Blocked(policyName);
            return GatewayLease.Refused;
        }

        using var local = slot.Fallback.AttemptAcquire(1);
        if (!local.IsAcquired)
        {
            var retryAfter = local.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
            return Refuse(decision, slot, retryAfter, 0);
        }

        Observe(decision, slot, slot.Fallback.GetStatistics()?.CurrentAvailablePermits ?? 0);
        return null;
    }

    private GatewayLease Refuse(RateLimitDecision decision, LimitSlot slot, TimeSpan retryAfter, long remaining)
    {
        decision.RetryAfter = retryAfter;
        decision.Observe(slot.Options, remaining, retryAfter);
        metrics.Violated(policyName, slot.Options.Name);
        metrics.Blocked(policyName);
        return GatewayLease.Refused;
    }

    private void Observe(RateLimitDecision decision, LimitSlot slot, long remaining)
    {
        decision.Observe(slot.Options, remaining, slot.Options.QuotaWindow);
        metrics.Utilization(policyName, slot.Options.Name, 1 - ((double)Math.Max(0, remaining) / slot.Options.PermitLimit));
    }

    /// <summary>The decision record of the current request, created on first use.</summary>
    private RateLimitDecision Decision()
    {
        var features = accessor.HttpContext?.Features ?? new FeatureCollection();
        var decision = features.Get<RateLimitDecision>();
        if (decision is null || decision.Policy != policyName)
        {
            decision = new RateLimitDecision(policyName, policy.Limits);
            features.Set(decision);
        }

        return decision;
    }

    private void Touch() => Interlocked.Exchange(ref lastUsedTicks, time.GetUtcNow().UtcTicks);

    /// <summary>One limit's local lease and its per-instance fallback.</summary>
    private sealed class LimitSlot(RateLimitOptions options, string redisKey) : IDisposable
    {
        private readonly Lock gate = new();
        private RateLimiter? fallback;
        private Task<StoreDecision?>? refill;
        private int prefetching;
        private int leaseRemaining;
        private long leaseExpiresTicks;
        private long remainingInRedis;
        private StoreDecision? lastLease;

        public RateLimitOptions Options { get; } = options;

        public string RedisKey { get; } = redisKey;

        public int LeaseRemaining => Volatile.Read(ref leaseRemaining);

        /// <summary>The same limit kept by this instance alone, used while Redis is away and the policy fails open.</summary>
        public RateLimiter Fallback
        {
            get
            {
                lock (gate)
                {
                    return fallback ??= CreateFallback(Options);
                }
            }
        }

        public bool TryTakeLeased(long nowTicks)
        {
            lock (gate)
            {
                if (leaseRemaining <= 0 || nowTicks >= leaseExpiresTicks)
                {
                    return false;
                }

                leaseRemaining--;
                return true;
            }
        }

        public void GiveBack()
        {
            lock (gate)
            {
                leaseRemaining++;
            }
        }

        /// <summary>
        /// Asks Redis for a lease, unless a refill is already under way, in which case the caller waits for that one.
        /// Granted permits join the local lease before the refill completes, so every waiter can take from them.
        /// </summary>
        public Task<StoreDecision?> RefillAsync(RedisRateLimitStore store, TimeProvider time)
        {
            lock (gate)
            {
                if (refill is not { IsCompleted: false })
                {
                    refill = RunRefillAsync(store, time);
                }

                return refill;
            }
        }

        /// <summary>
        /// Starts a refill in the background once a quarter of the lease is left, so that under steady traffic no request
        /// waits for Redis: the fast path's tail latency stays local. The permits taken early still count in Redis.
        /// </summary>
        public void PrefetchIfLow(RedisRateLimitStore store, TimeProvider time)
        {
            var leaseSize = Options.EffectiveLeaseSize;
            if (leaseSize < 4 || Volatile.Read(ref leaseRemaining) > leaseSize / 4
                || Interlocked.CompareExchange(ref prefetching, 1, 0) != 0)
            {
                return;
            }

            // Issuing a Redis command costs the issuing thread tens of microseconds; the request that noticed the
            // lease running low must not pay for it.
            _ = Task.Run(async () =>
            {
                try
                {
                    await RefillAsync(store, time).ConfigureAwait(false);
                }
                finally
                {
                    Volatile.Write(ref prefetching, 0);
                }
            });
        }

        private async Task<StoreDecision?> RunRefillAsync(RedisRateLimitStore store, TimeProvider time)
        {
            var answer = await store.TakeAsync(RedisKey, Options, Options.EffectiveLeaseSize, TakeUnused(time.GetUtcNow().UtcTicks)).ConfigureAwait(false);
            if (answer is { Granted: > 0 } granted)
            {
                var now = time.GetUtcNow();
                lock (gate)
                {
                    // Permits of an expired lease that were not given back are abandoned: Redis still counts them, so they
                    // can only make us stricter.
                    leaseRemaining = (now.UtcTicks < leaseExpiresTicks ? leaseRemaining : 0) + granted.Granted;
                    remainingInRedis = granted.Remaining;
                    leaseExpiresTicks = (now + Options.LeaseDuration).UtcTicks;
                    lastLease = granted;
                }
            }

            return answer;
        }

        /// <summary>
        /// The permits of an expired lease that nobody used, to give back with the next refill: otherwise an instance
        /// that admits one request per lease would spend a whole lease on it, and a steady trickle through several
        /// instances would use up a quota many times faster than it is used. Only the last lease's permits can be named
        /// (a prefetch may have carried older ones into it); any beyond those stay abandoned.
        /// </summary>
        private UnusedPermits? TakeUnused(long nowTicks)
        {
            lock (gate)
            {
                if (nowTicks < leaseExpiresTicks || leaseRemaining <= 0 || lastLease is not { } last)
                {
                    return null;
                }

                var unused = new UnusedPermits(last.Lease, last.Granted, Math.Min(leaseRemaining, last.Granted));
                leaseRemaining = 0;
                lastLease = null;
                return unused;
            }
        }

        /// <summary>What this caller may still use: what Redis had left at the last refill plus the unused local lease.</summary>
        public long KnownRemaining(long nowTicks)
        {
            lock (gate)
            {
                return remainingInRedis + (nowTicks < leaseExpiresTicks ? leaseRemaining : 0);
            }
        }

        public void Dispose() => fallback?.Dispose();

        private static RateLimiter CreateFallback(RateLimitOptions options) => options.Algorithm == RateLimitAlgorithm.SlidingWindow
            ? new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
            {
                PermitLimit = options.PermitLimit,
                Window = options.Window,
                SegmentsPerWindow = 10,
                QueueLimit = 0,
                AutoReplenishment = true,
            })
            : new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.PermitLimit,
                TokensPerPeriod = options.TokensPerPeriod,
                ReplenishmentPeriod = options.ReplenishmentPeriod,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
    }
}

/// <summary>Leases without metadata: the decision's details travel on the request as <see cref="RateLimitDecision"/>.</summary>
internal sealed class GatewayLease(bool acquired) : RateLimitLease
{
    public static readonly GatewayLease Admitted = new(acquired: true);

    public static readonly GatewayLease Refused = new(acquired: false);

    /// <summary>The fast path could not decide; the middleware then calls the full path.</summary>
    public static readonly GatewayLease Undecided = new(acquired: false);

    public override bool IsAcquired { get; } = acquired;

    public override IEnumerable<string> MetadataNames => [];

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = null;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        // Shared, stateless instances: there is nothing of their own to release.
        base.Dispose(disposing);
    }
}
