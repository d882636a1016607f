using System.Threading.RateLimiting;

namespace AgentCore.Gateway.Edge.RateLimiting;

/// <summary>What a limiter decided for one request.</summary>
internal enum LimitOutcome
{
    Admitted,
    Refused,

    /// <summary>The fast path could not decide without Redis; the full path must.</summary>
    Undecided,

    /// <summary>The limiter was dropped as idle while the request used it; ask the policy for the partition's new one.</summary>
    Retired,
}

/// <summary>
/// The limiter of one partition (one caller, route or tenant) under one policy. Redis holds the truth; permits are
/// taken from it in leases so that most decisions are local. <see cref="RateLimitPolicy"/> creates one per partition
/// and retires it once <see cref="IdleDuration"/> grows, which is what bounds memory for any number of callers.
/// </summary>
internal sealed class DistributedRateLimiter : IDisposable
{
    private readonly RateLimitPolicyOptions policy;
    private readonly LimitSlot[] slots;
    private readonly RedisRateLimitStore store;
    private readonly RateLimitingMetrics metrics;
    private readonly RateLimitingMetrics.PolicyTags tags;
    private readonly TimeProvider time;
    private long lastUsedTicks;
    private int released;

    public DistributedRateLimiter(
        string policyName,
        RateLimitPolicyOptions policy,
        IReadOnlyList<string> redisKeys,
        RedisRateLimitStore store,
        RateLimitingMetrics metrics,
        TimeProvider time)
    {
        this.policy = policy;
        this.store = store;
        this.metrics = metrics;
        this.time = time;
        tags = metrics.TagsOf(policyName, policy);
        slots = new LimitSlot[policy.Limits.Count];
        for (var index = 0; index < slots.Length; index++)
        {
            slots[index] = new LimitSlot(policy.Limits[index], redisKeys[index], tags.Limits[index], store, time);
        }

        lastUsedTicks = time.GetUtcNow().UtcTicks;
        metrics.PartitionCreated();
    }

    public TimeSpan IdleDuration => time.GetUtcNow() - new DateTimeOffset(Interlocked.Read(ref lastUsedTicks), TimeSpan.Zero);

    /// <summary>The fast path: admits only when every limit still has a locally leased permit; never waits for Redis.</summary>
    public LimitOutcome TryTakeLocally(RateLimitDecision decision)
    {
        var now = Touch();
        Span<long> remaining = stackalloc long[slots.Length];
        var taken = 0;
        while (taken < slots.Length && slots[taken].TryTakeLeased(now, out remaining[taken]))
        {
            taken++;
        }

        if (taken < slots.Length)
        {
            for (var index = 0; index < taken; index++)
            {
                slots[index].GiveBack();
            }

            return LimitOutcome.Undecided;
        }

        for (var index = 0; index < slots.Length; index++)
        {
            Observe(decision, slots[index], remaining[index]);
            slots[index].PrefetchIfLow();
        }

        return LimitOutcome.Admitted;
    }

    /// <summary>The full path: every limit's lease is refilled from Redis as needed, or the failure mode decides.</summary>
    public async ValueTask<LimitOutcome> TakeAsync(RateLimitDecision decision)
    {
        Touch();
        foreach (var slot in slots)
        {
            var outcome = await TakeAsync(slot, decision);
            if (outcome is not LimitOutcome.Admitted)
            {
                return outcome;
            }
        }

        return LimitOutcome.Admitted;
    }

    /// <summary>Drops the per-instance fallbacks; a request still holding this limiter is sent to the partition's next one.</summary>
    public void Dispose()
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
    /// call however many wait), else by the failure mode.
    /// </summary>
    private async ValueTask<LimitOutcome> TakeAsync(LimitSlot slot, RateLimitDecision decision)
    {
        while (true)
        {
            if (slot.TryTakeLeased(time.GetUtcNow().UtcTicks, out var remaining))
            {
                Observe(decision, slot, remaining);
                slot.PrefetchIfLow();
                return LimitOutcome.Admitted;
            }

            var answer = await slot.RefillAsync();
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

    private LimitOutcome TakeWithoutRedis(LimitSlot slot, RateLimitDecision decision)
    {
        metrics.DecidedWithoutRedis(tags, policy.FailureMode);
        if (policy.FailureMode == RedisFailureMode.FailClosed)
        {
            decision.LimiterUnavailable = true;
            decision.RetryAfter = TimeSpan.FromSeconds(1);
            metrics.Blocked(tags);
            return LimitOutcome.Refused;
        }

        var local = slot.TryTakeFallback(out var available, out var retryAfter);
        if (local is null)
        {
            return LimitOutcome.Retired;
        }

        if (local == false)
        {
            return Refuse(decision, slot, retryAfter, 0);
        }

        Observe(decision, slot, available);
        return LimitOutcome.Admitted;
    }

    private LimitOutcome Refuse(RateLimitDecision decision, LimitSlot slot, TimeSpan retryAfter, long remaining)
    {
        decision.RetryAfter = retryAfter;
        decision.Observe(slot.Options, remaining, retryAfter);
        metrics.Violated(slot.Tags);
        metrics.Blocked(tags);
        return LimitOutcome.Refused;
    }

    private void Observe(RateLimitDecision decision, LimitSlot slot, long remaining)
    {
        decision.Observe(slot.Options, remaining, slot.Options.QuotaWindow);
        metrics.Utilization(slot.Tags, 1 - ((double)Math.Max(0, remaining) / slot.Options.PermitLimit));
    }

    private long Touch()
    {
        var now = time.GetUtcNow().UtcTicks;
        Volatile.Write(ref lastUsedTicks, now);
        return now;
    }

    /// <summary>One limit's local lease and its per-instance fallback.</summary>
    private sealed class LimitSlot(
        RateLimitOptions options,
        string redisKey,
        KeyValuePair<string, object?>[] tags,
        RedisRateLimitStore store,
        TimeProvider time) : IThreadPoolWorkItem, IDisposable
    {
        private readonly Lock gate = new();
        private RateLimiter? fallback;
        private bool disposed;
        private Task<StoreDecision?>? refill;
        private int prefetching;
        private int leaseRemaining;
        private long leaseExpiresTicks;
        private long remainingInRedis;
        private StoreDecision? lastLease;

        public RateLimitOptions Options { get; } = options;

        public string RedisKey { get; } = redisKey;

        /// <summary>The metric tags of this limit, bound once.</summary>
        public KeyValuePair<string, object?>[] Tags { get; } = tags;

        /// <summary>
        /// Takes a leased permit; <paramref name="remaining"/> is then what this caller may still use: what Redis had left
        /// at the last refill plus the unused local lease.
        /// </summary>
        public bool TryTakeLeased(long nowTicks, out long remaining)
        {
            lock (gate)
            {
                if (leaseRemaining <= 0 || nowTicks >= leaseExpiresTicks)
                {
                    remaining = 0;
                    return false;
                }

                leaseRemaining--;
                remaining = remainingInRedis + leaseRemaining;
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
        /// The same limit kept by this instance alone, used while Redis is away and the policy fails open: true or false
        /// when it decided, null when this limiter has been disposed (its fallback is gone with it).
        /// </summary>
        public bool? TryTakeFallback(out long available, out TimeSpan retryAfter)
        {
            available = 0;
            retryAfter = TimeSpan.Zero;
            lock (gate)
            {
                if (disposed)
                {
                    return null;
                }

                fallback ??= CreateFallback(Options);
                using var local = fallback.AttemptAcquire(1);
                if (!local.IsAcquired)
                {
                    retryAfter = local.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                    return false;
                }

                available = fallback.GetStatistics()?.CurrentAvailablePermits ?? 0;
                return true;
            }
        }

        /// <summary>
        /// Asks Redis for a lease, unless a refill is already under way, in which case the caller waits for that one.
        /// Granted permits join the local lease before the refill completes, so every waiter can take from them.
        /// </summary>
        public Task<StoreDecision?> RefillAsync()
        {
            lock (gate)
            {
                if (refill is not { IsCompleted: false })
                {
                    refill = RunRefillAsync();
                }

                return refill;
            }
        }

        /// <summary>
        /// Starts a refill in the background once half of the lease is left, so that under steady traffic no request
        /// waits for Redis: the fast path's tail latency stays local. Half, not less: on a loaded core the refill's Redis
        /// round trip can take as long as the last quarter of a lease lasts at 10 k requests/s, and then requests
        /// waited for it. The permits taken early still count in Redis.
        /// </summary>
        /// <remarks>
        /// Issuing a Redis command costs the issuing thread tens of microseconds, so the request that noticed the lease
        /// running low only queues this slot as a work item: no allocation, and no execution context carried along.
        /// </remarks>
        public void PrefetchIfLow()
        {
            var leaseSize = Options.EffectiveLeaseSize;
            if (leaseSize < 4 || Volatile.Read(ref leaseRemaining) > leaseSize / 2
                || Interlocked.CompareExchange(ref prefetching, 1, 0) != 0)
            {
                return;
            }

            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        void IThreadPoolWorkItem.Execute() => _ = PrefetchAsync();

        private async Task PrefetchAsync()
        {
            try
            {
                await RefillAsync();
            }
            finally
            {
                Volatile.Write(ref prefetching, 0);
            }
        }

        private async Task<StoreDecision?> RunRefillAsync()
        {
            var answer = await store.TakeAsync(RedisKey, Options, Options.EffectiveLeaseSize, TakeUnused(time.GetUtcNow().UtcTicks));
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

        public void Dispose()
        {
            lock (gate)
            {
                disposed = true;
                fallback?.Dispose();
                fallback = null;
            }
        }

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
