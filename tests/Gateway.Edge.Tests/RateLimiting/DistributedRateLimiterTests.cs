using AgentCore.Gateway.Edge.RateLimiting;

namespace AgentCore.Gateway.Edge.Tests.RateLimiting;

public sealed class DistributedRateLimiterTests(RedisRig rig) : IClassFixture<RedisRig>
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Sequential_requests_get_exactly_the_limit()
    {
        using var limiter = rig.NewLimiter(rig.NewStore(), RedisRig.Policy(limits: RedisRig.SlidingWindow(10, Minute)), Partition());

        Assert.Equal(10, await AdmittedOfAsync(limiter, 15));
    }

    [Fact]
    public async Task A_concurrent_burst_gets_exactly_the_limit()
    {
        using var limiter = rig.NewLimiter(rig.NewStore(), RedisRig.Policy(limits: RedisRig.SlidingWindow(50, Minute)), Partition());

        var admitted = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => AdmitsAsync(limiter)));

        Assert.Equal(50, admitted.Count(ok => ok));
    }

    [Fact]
    public async Task The_window_slides_with_time()
    {
        var window = TimeSpan.FromSeconds(10);
        using var limiter = rig.NewLimiter(rig.NewStore(), RedisRig.Policy(limits: RedisRig.SlidingWindow(3, window)), Partition());

        Assert.True(await AdmitsAsync(limiter));
        Assert.True(await AdmitsAsync(limiter));
        rig.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(await AdmitsAsync(limiter));
        Assert.False(await AdmitsAsync(limiter));

        // The first two leave the window 10 s after they entered; the third stays for 5 s more.
        rig.Time.Advance(TimeSpan.FromSeconds(5) + TimeSpan.FromMilliseconds(1));
        Assert.True(await AdmitsAsync(limiter));
        Assert.True(await AdmitsAsync(limiter));
        Assert.False(await AdmitsAsync(limiter));
    }

    [Fact]
    public async Task A_token_bucket_allows_the_burst_then_the_sustained_rate()
    {
        using var limiter = rig.NewLimiter(rig.NewStore(), RedisRig.Policy(limits: RedisRig.TokenBucket(5, 1, TimeSpan.FromSeconds(1))), Partition());

        var burst = await AdmittedOfAsync(limiter, 8);
        rig.Time.Advance(TimeSpan.FromSeconds(2));
        var afterTwoSeconds = await AdmittedOfAsync(limiter, 5);

        Assert.Equal(5, burst);
        Assert.Equal(2, afterTwoSeconds);
    }

    [Fact]
    public async Task Several_limits_all_apply()
    {
        var policy = RedisRig.Policy(limits: [RedisRig.TokenBucket(3, 1, TimeSpan.FromSeconds(1)), RedisRig.SlidingWindow(4, Minute)]);
        using var limiter = rig.NewLimiter(rig.NewStore(), policy, Partition());

        var firstSecond = await AdmittedOfAsync(limiter, 5);
        rig.Time.Advance(TimeSpan.FromSeconds(3));
        var later = await AdmittedOfAsync(limiter, 5);

        // The burst of 3 binds first; then the per-minute quota of 4 leaves room for one more, whatever the bucket holds.
        Assert.Equal(3, firstSecond);
        Assert.Equal(1, later);
    }

    [Fact]
    public async Task Two_instances_with_leases_under_a_steady_trickle_count_only_what_they_admitted()
    {
        // Each instance takes a lease of 10 and uses one permit of it before the lease expires (1 s): the nine it did not
        // use go back to Redis, or two instances at one request a second each would spend 100 permits in five seconds.
        var partition = Partition();
        var policy = RedisRig.Policy(RedisFailureMode.FailClosed, RedisRig.SlidingWindow(100, Minute, leaseSize: 10));
        using var first = rig.NewLimiter(rig.NewStore(), policy, partition);
        using var second = rig.NewLimiter(rig.NewStore(), policy, partition);

        var admitted = 0;
        for (var tick = 0; tick < 45; tick++)
        {
            admitted += await AdmitsAsync(first) ? 1 : 0;
            admitted += await AdmitsAsync(second) ? 1 : 0;
            rig.Time.Advance(TimeSpan.FromMilliseconds(1_100));
        }

        Assert.Equal(90, admitted);
    }

    [Fact]
    public async Task Two_instances_with_leases_share_one_limit_within_five_percent()
    {
        const int limit = 1_000;
        var partition = Partition();
        var policy = RedisRig.Policy(RedisFailureMode.FailClosed, RedisRig.SlidingWindow(limit, Minute, leaseSize: 10));

        // Generous time per decision: this test is about sharing one limit, not about a loaded machine's latency.
        var patient = new RateLimitingOptions { DecisionTimeout = TimeSpan.FromSeconds(10) };
        using var first = rig.NewLimiter(rig.NewStore(patient), policy, partition);
        using var second = rig.NewLimiter(rig.NewStore(patient), policy, partition);

        var attempts = Enumerable.Range(0, 3_000).Select(index => index % 2 == 0 ? first : second)
            .Select(async limiter =>
            {
                var decision = Decision(policy);
                return limiter.TryTakeLocally(decision) == LimitOutcome.Admitted || await limiter.TakeAsync(decision) == LimitOutcome.Admitted;
            });
        var admitted = (await Task.WhenAll(attempts)).Count(ok => ok);

        Assert.InRange(admitted, limit * 95 / 100, limit);
    }

    [Fact]
    public async Task While_redis_is_down_fail_open_uses_local_limits_and_recovers()
    {
        var options = new RateLimitingOptions { RedisRetryInterval = TimeSpan.FromSeconds(2) };
        var store = rig.NewStore(options);
        using var limiter = rig.NewLimiter(store, RedisRig.Policy(RedisFailureMode.FailOpen, RedisRig.SlidingWindow(3, Minute)), Partition());
        Assert.True(await AdmitsAsync(limiter));

        await rig.Server.StopAsync();
        try
        {
            var duringOutage = new List<bool>();
            for (var attempt = 0; attempt < 5; attempt++)
            {
                duringOutage.Add(await AdmitsAsync(limiter));
            }

            Assert.False(store.IsAvailable);
            Assert.Equal([true, true, true, false, false], duringOutage);
        }
        finally
        {
            await rig.Server.StartAgainAsync();
        }

        rig.Time.Advance(options.RedisRetryInterval + TimeSpan.FromMilliseconds(1));
        Assert.True(await Eventually(() => AdmitsAsync(limiter)));
        Assert.True(store.IsAvailable);
    }

    [Fact]
    public async Task While_redis_is_down_fail_closed_refuses_and_recovers()
    {
        var options = new RateLimitingOptions { RedisRetryInterval = TimeSpan.FromSeconds(2) };
        var store = rig.NewStore(options);
        using var limiter = rig.NewLimiter(store, RedisRig.Policy(RedisFailureMode.FailClosed, RedisRig.SlidingWindow(100, Minute)), Partition());
        Assert.True(await AdmitsAsync(limiter));

        await rig.Server.StopAsync();
        try
        {
            Assert.False(await AdmitsAsync(limiter));
            Assert.False(await AdmitsAsync(limiter));
        }
        finally
        {
            await rig.Server.StartAgainAsync();
        }

        rig.Time.Advance(options.RedisRetryInterval + TimeSpan.FromMilliseconds(1));
        Assert.True(await Eventually(() => AdmitsAsync(limiter)));
    }

    private static async Task<int> AdmittedOfAsync(DistributedRateLimiter limiter, int attempts)
    {
        var admitted = 0;
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            admitted += await AdmitsAsync(limiter) ? 1 : 0;
        }

        return admitted;
    }

    private static async Task<bool> AdmitsAsync(DistributedRateLimiter limiter) =>
        await limiter.TakeAsync(new RateLimitDecision("test", [])) == LimitOutcome.Admitted;

    private static RateLimitDecision Decision(RateLimitPolicyOptions policy) => new("test", policy.Limits);

    /// <summary>The client reconnects to a restarted Redis on its own schedule; give it a few tries.</summary>
    private async Task<bool> Eventually(Func<Task<bool>> attempt)
    {
        for (var tries = 0; tries < 50; tries++)
        {
            if (await attempt())
            {
                return true;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
            rig.Time.Advance(TimeSpan.FromSeconds(3));
        }

        return false;
    }

    private static string Partition() => Guid.NewGuid().ToString("N");
}
