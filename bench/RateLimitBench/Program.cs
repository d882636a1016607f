using System.Diagnostics;
using System.Diagnostics.Metrics;
using AgentCore.Gateway.Edge.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

// Decision latency of the Edge's distributed rate limiter against a real Redis, measured in one run:
// the Redis path (a lease of 1: every decision asks Redis) and the fast path (leases of 100: most decisions are local).
// Decisions arrive at a steady rate for one caller (default 20,000/s, far above what one caller sends through one Edge),
// because a consumer that never pauses outruns any refill and measures the loop, not the limiter.
// Usage: RateLimitBench <redis-connection-string> [decisions] [decisions-per-second]
var connection = args.Length > 0 ? args[0] : "127.0.0.1:6379";
var decisions = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
var perSecond = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 20_000;
var interval = Stopwatch.Frequency / perSecond;

await using var redis = await ConnectionMultiplexer.ConnectAsync(connection);
await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
var meterFactory = services.GetRequiredService<IMeterFactory>();
var options = new RateLimitingOptions();
var store = new RedisRateLimitStore(redis, Options.Create(options), TimeProvider.System, new RateLimitingMetrics(meterFactory));

Console.WriteLine($"one caller, {perSecond} decisions/s");
Console.WriteLine($"{"path",-10} {"decisions",10} {"p50 us",8} {"p99 us",8} {"p99.9 us",9} {"max us",9} {"redis calls",12}");
foreach (var round in Enumerable.Range(1, 3))
{
    foreach (var (name, leaseSize) in new[] { ("redis", 1), ("fast", 100) })
    {
        var limit = new RateLimitOptions { Name = "quota", PermitLimit = int.MaxValue / 2, Window = TimeSpan.FromMinutes(1), LeaseSize = leaseSize };
        var policy = new RateLimitPolicyOptions { Limits = [limit] };
        using var limiter = new DistributedRateLimiter("bench", policy, [$"ratelimit:{{bench:{name}:{round}}}:0"], store, new RateLimitingMetrics(meterFactory), TimeProvider.System);
        var count = name == "redis" ? decisions / 10 : decisions;
        var samples = new long[count];
        for (var warm = 0; warm < 2_000; warm++)
        {
            await DecideAsync(limiter, policy);
        }

        var first = Stopwatch.GetTimestamp();
        for (var index = 0; index < count; index++)
        {
            while (Stopwatch.GetTimestamp() < first + (index * interval))
            {
                Thread.SpinWait(20);
            }

            var start = Stopwatch.GetTimestamp();
            var admitted = await DecideAsync(limiter, policy);
            samples[index] = Stopwatch.GetTimestamp() - start;
            if (!admitted)
            {
                throw new InvalidOperationException("A decision was refused; the benchmark's limit is meant never to bind.");
            }
        }

        Array.Sort(samples);
        Console.WriteLine($"{name,-10} {count,10} {Micro(samples, 0.50),8:F1} {Micro(samples, 0.99),8:F1} {Micro(samples, 0.999),9:F1} {Micro(samples, 1.0),9:F1} {RedisCalls(name, count, leaseSize),12}");
    }
}

static async ValueTask<bool> DecideAsync(DistributedRateLimiter limiter, RateLimitPolicyOptions policy)
{
    // As the Edge's admission decides: the synchronous fast path first, then the full path.
    var decision = new RateLimitDecision("bench", policy.Limits);
    return limiter.TryTakeLocally(decision) == LimitOutcome.Admitted || await limiter.TakeAsync(decision) == LimitOutcome.Admitted;
}

static double Micro(long[] sorted, double quantile) =>
    sorted[Math.Min(sorted.Length - 1, (int)(quantile * sorted.Length))] * 1_000_000.0 / Stopwatch.Frequency;

static string RedisCalls(string name, int count, int leaseSize) => name == "redis" ? count.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"~{count / leaseSize}";
