using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime.InteropServices;
using AgentCore.Gateway.Edge.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

// Decision latency of the Edge's distributed rate limiter against a real Redis, measured in one run:
// the Redis path (a lease of 1: every decision asks Redis) and the fast path (leases of 100: most decisions are local,
// refills run in the background).
// Decisions arrive at a steady rate for one caller (default 20,000/s, far above what one caller sends through one Edge),
// because a consumer that never pauses outruns any refill and measures the loop, not the limiter. They are made on one
// thread pinned to one CPU (default 0), as one request's thread makes its decision; the refills' Redis I/O runs on the
// runtime's other threads, which may use any other CPU the process is given, as on a gateway with more than one core.
// Usage: RateLimitBench <redis-connection-string> [decisions] [decisions-per-second] [decision-cpu]
var connection = args.Length > 0 ? args[0] : "127.0.0.1:6379";
var decisions = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
var perSecond = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20_000;
var decisionCpu = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 0;
var interval = Stopwatch.Frequency / perSecond;

await using var redis = await ConnectionMultiplexer.ConnectAsync(connection);
await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
var meterFactory = services.GetRequiredService<IMeterFactory>();
var options = new RateLimitingOptions();
var store = new RedisRateLimitStore(redis, Options.Create(options), TimeProvider.System, new RateLimitingMetrics(meterFactory));

// Decisions made without Redis (a Redis answer slower than DecisionTimeout sends the store to the failure mode for
// RedisRetryInterval): counted, so that a row measuring the fallback instead of Redis shows it.
var withoutRedis = new long[1];
using var fallbacks = new MeterListener
{
    InstrumentPublished = (instrument, listener) =>
    {
        if (instrument.Meter.Name == RateLimitingMetrics.MeterName && instrument.Name == "rate_limit_fallback_decisions")
        {
            listener.EnableMeasurementEvents(instrument);
        }
    },
};
fallbacks.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref withoutRedis[0], value));
fallbacks.Start();

Console.WriteLine($"one caller, {perSecond} decisions/s, decisions on CPU {decisionCpu}, {Environment.ProcessorCount} CPUs for the process");
Console.WriteLine($"{"path",-10} {"decisions",10} {"p50 us",8} {"p99 us",8} {"p99.9 us",9} {"max us",9} {"redis calls",12} {"without redis",14}");
foreach (var round in Enumerable.Range(1, 3))
{
    foreach (var (name, leaseSize) in new[] { ("redis", 1), ("fast", 100) })
    {
        var limit = new RateLimitOptions { Name = "quota", PermitLimit = int.MaxValue / 2, Window = TimeSpan.FromMinutes(1), LeaseSize = leaseSize };
        var policy = new RateLimitPolicyOptions { Limits = [limit] };
        using var limiter = new DistributedRateLimiter("bench", policy, [$"ratelimit:{{bench:{name}:{round}}}:0"], store, new RateLimitingMetrics(meterFactory), TimeProvider.System);
        var count = name == "redis" ? decisions / 10 : decisions;
        var samples = new long[count];
        var decider = new Thread(() => Measure(limiter, policy, samples)) { IsBackground = true, Name = "decisions" };
        decider.Start();
        decider.Join();

        Array.Sort(samples);
        Console.WriteLine($"{name,-10} {count,10} {Micro(samples, 0.50),8:F1} {Micro(samples, 0.99),8:F1} {Micro(samples, 0.999),9:F1} {Micro(samples, 1.0),9:F1} {RedisCalls(name, count, leaseSize),12} {Interlocked.Read(ref withoutRedis[0]),14}");
    }
}

// One decision after another on this thread, pinned to its CPU; a decision the leases cannot make waits for Redis here.
void Measure(DistributedRateLimiter limiter, RateLimitPolicyOptions policy, long[] samples)
{
    PinCurrentThread(decisionCpu);
    for (var warm = 0; warm < 2_000; warm++)
    {
        Decide(limiter, policy);
    }

    Interlocked.Exchange(ref withoutRedis[0], 0);
    var first = Stopwatch.GetTimestamp();
    for (var index = 0; index < samples.Length; index++)
    {
        while (Stopwatch.GetTimestamp() < first + (index * interval))
        {
            Thread.SpinWait(20);
        }

        var start = Stopwatch.GetTimestamp();
        var admitted = Decide(limiter, policy);
        samples[index] = Stopwatch.GetTimestamp() - start;
        if (!admitted)
        {
            throw new InvalidOperationException("A decision was refused; the benchmark's limit is meant never to bind.");
        }
    }
}

static bool Decide(DistributedRateLimiter limiter, RateLimitPolicyOptions policy)
{
    // As the Edge's admission decides: the synchronous fast path first, then the full path.
    var decision = new RateLimitDecision("bench", policy.Limits);
    return limiter.TryTakeLocally(decision) == LimitOutcome.Admitted
        || limiter.TakeAsync(decision).AsTask().GetAwaiter().GetResult() == LimitOutcome.Admitted;
}

static void PinCurrentThread(int cpu)
{
    var mask = 1UL << cpu;
    if (SchedSetAffinity(0, sizeof(ulong), ref mask) != 0)
    {
        throw new InvalidOperationException($"Could not pin the decision thread to CPU {cpu} (errno {Marshal.GetLastPInvokeError()}).");
    }
}

static double Micro(long[] sorted, double quantile) =>
    sorted[Math.Min(sorted.Length - 1, (int)(quantile * sorted.Length))] * 1_000_000.0 / Stopwatch.Frequency;

static string RedisCalls(string name, int count, int leaseSize) => name == "redis" ? count.ToString(CultureInfo.InvariantCulture) : $"~{count / leaseSize}";

// sched_setaffinity(2) with pid 0 sets the calling thread's CPUs (Linux).
[DllImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
[DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
static extern int SchedSetAffinity(int pid, nint cpuSetSize, ref ulong mask);
