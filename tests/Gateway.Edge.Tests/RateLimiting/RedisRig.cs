using System.Diagnostics.Metrics;
using AgentCore.Gateway.Edge.RateLimiting;
using AgentCore.Gateway.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace AgentCore.Gateway.Edge.Tests.RateLimiting;

/// <summary>A real redis-server per test class, and the pieces of the Edge's limiter wired to it with a fake clock.</summary>
public sealed class RedisRig : IAsyncLifetime
{
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public RedisServer Server { get; private set; } = null!;

    public ConnectionMultiplexer Redis { get; private set; } = null!;

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    internal RateLimitingMetrics Metrics { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await RedisServer.StartAsync();
        Redis = await ConnectionMultiplexer.ConnectAsync(Server.ConnectionString);
        Metrics = new RateLimitingMetrics(services.GetRequiredService<IMeterFactory>());
    }

    internal RedisRateLimitStore NewStore(RateLimitingOptions? options = null) =>
        new(Redis, Options.Create(options ?? new RateLimitingOptions()), Time, Metrics);

    internal DistributedRateLimiter NewLimiter(RedisRateLimitStore store, RateLimitPolicyOptions policy, string partition) =>
        new("test", policy, policy.Limits.Select((_, index) => $"ratelimit:{{test:{partition}}}:{index}").ToArray(), store, Metrics, Time);

    internal static RateLimitPolicyOptions Policy(RedisFailureMode mode = RedisFailureMode.FailOpen, params RateLimitOptions[] limits) =>
        new() { FailureMode = mode, Limits = [.. limits] };

    internal static RateLimitOptions SlidingWindow(int permits, TimeSpan window, int leaseSize = 1) =>
        new() { Name = "quota", Algorithm = RateLimitAlgorithm.SlidingWindow, PermitLimit = permits, Window = window, LeaseSize = leaseSize };

    internal static RateLimitOptions TokenBucket(int capacity, int perPeriod, TimeSpan period) =>
        new() { Name = "burst", Algorithm = RateLimitAlgorithm.TokenBucket, PermitLimit = capacity, TokensPerPeriod = perPeriod, ReplenishmentPeriod = period, LeaseSize = 1 };

    public async ValueTask DisposeAsync()
    {
        await Redis.DisposeAsync();
        await Server.DisposeAsync();
        await services.DisposeAsync();
    }
}
