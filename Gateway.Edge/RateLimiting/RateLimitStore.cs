using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCore.Gateway.Edge.RateLimiting;

/// <summary>
/// What Redis answered for one limit: how many permits it granted, how many remain, and when to retry; and the lease's
/// name, by which its unused permits can be given back.
/// </summary>
internal readonly record struct StoreDecision(int Granted, long Remaining, TimeSpan RetryAfter, string Lease);

/// <summary>Permits of an expired lease that its instance never handed out: the last <paramref name="Count"/> of the <paramref name="Granted"/> in <paramref name="Lease"/>.</summary>
internal readonly record struct UnusedPermits(string Lease, int Granted, int Count);

/// <summary>
/// The shared counters. Each limit changes only through one atomic Lua script (EVALSHA after the first call), under a
/// key with a hash tag and a TTL so idle keys go away. When Redis fails or is too slow, it is skipped for a while and
/// callers apply their failure mode.
/// </summary>
internal sealed class RedisRateLimitStore(IConnectionMultiplexer redis, IOptions<RateLimitingOptions> options, TimeProvider time, RateLimitingMetrics metrics)
{
    // Removes the unused permits an instance gives back (members ARGV[6]:ARGV[7] to ARGV[6]:ARGV[8]) and what left the
    // window, counts what remains, and admits up to the wanted number; every admitted request is a member of the set, so
    // the window is exact. Returns granted, remaining, and ms until the oldest entry leaves.
    private const string SlidingWindowScript = """
        local key = KEYS[1]
        local now = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        local limit = tonumber(ARGV[3])
        local wanted = tonumber(ARGV[4])
        local unused = {}
        for i = tonumber(ARGV[7]), tonumber(ARGV[8]) do
          unused[#unused + 1] = ARGV[6] .. ':' .. i
          if #unused >= 1000 or i == tonumber(ARGV[8]) then
            redis.call('ZREM', key, unpack(unused))
            unused = {}
          end
        end
        redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
        local used = redis.call('ZCARD', key)
        local granted = math.max(0, math.min(wanted, limit - used))
        local members = {}
        for i = 1, granted do
          members[#members + 1] = now
          members[#members + 1] = ARGV[5] .. ':' .. i
          if #members >= 1000 or i == granted then
            redis.call('ZADD', key, unpack(members))
            members = {}
          end
        end
        if granted > 0 then
          redis.call('PEXPIRE', key, window)
        end
        local retry = 0
        if granted < wanted then
          local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
          if oldest[2] then
            retry = math.max(1, tonumber(oldest[2]) + window - now)
          else
            retry = 1
          end
        end
        return { granted, math.max(0, limit - used - granted), retry }
        """;

    // A bucket of 'capacity' tokens refilled continuously at per_period per period; time never runs backwards for a
    // bucket, so instances with slightly different clocks cannot mint tokens. Unused tokens an instance gives back
    // (ARGV[6]) return to the bucket, never beyond its capacity.
    private const string TokenBucketScript = """
        local key = KEYS[1]
        local now = tonumber(ARGV[1])
        local capacity = tonumber(ARGV[2])
        local per_period = tonumber(ARGV[3])
        local period = tonumber(ARGV[4])
        local wanted = tonumber(ARGV[5])
        local state = redis.call('HMGET', key, 't', 'ts')
        local tokens = tonumber(state[1])
        local stamp = tonumber(state[2])
        if tokens == nil or stamp == nil then
          tokens = capacity
          stamp = now
        end
        if now > stamp then
          tokens = math.min(capacity, tokens + (now - stamp) * per_period / period)
          stamp = now
        end
        tokens = math.min(capacity, tokens + tonumber(ARGV[6]))
        local granted = math.max(0, math.min(wanted, math.floor(tokens)))
        tokens = tokens - granted
        redis.call('HSET', key, 't', tostring(tokens), 'ts', stamp)
        redis.call('PEXPIRE', key, math.ceil((capacity - tokens) * period / per_period) + period)
        local retry = 0
        if granted < wanted then
          retry = math.max(1, math.ceil((1 - tokens) * period / per_period))
        end
        return { granted, math.floor(tokens), retry }
        """;

    private readonly string instance = Guid.NewGuid().ToString("N")[..12];
    private long sequence;
    private long unavailableUntilTicks;

    /// <summary>False for <see cref="RateLimitingOptions.RedisRetryInterval"/> after Redis last failed.</summary>
    public bool IsAvailable => time.GetUtcNow().UtcTicks >= Interlocked.Read(ref unavailableUntilTicks);

    /// <summary>
    /// Asks Redis for up to <paramref name="wanted"/> permits, giving back <paramref name="unused"/> first; null when Redis
    /// cannot be asked now (the unused permits then stay counted, which is only stricter).
    /// </summary>
    public async ValueTask<StoreDecision?> TakeAsync(string key, RateLimitOptions limit, int wanted, UnusedPermits? unused = null)
    {
        if (!IsAvailable)
        {
            return null;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var lease = $"{instance}:{Interlocked.Increment(ref sequence)}";
        var (unusedLease, unusedGranted, unusedCount) = unused ?? new UnusedPermits(string.Empty, 0, 0);
        try
        {
            var evaluation = limit.Algorithm == RateLimitAlgorithm.SlidingWindow
                ? redis.GetDatabase().ScriptEvaluateAsync(
                    SlidingWindowScript,
                    [key],
                    [now, (long)limit.Window.TotalMilliseconds, limit.PermitLimit, wanted, lease, unusedLease, unusedGranted - unusedCount + 1, unusedGranted])
                : redis.GetDatabase().ScriptEvaluateAsync(
                    TokenBucketScript,
                    [key],
                    [now, limit.PermitLimit, limit.TokensPerPeriod, (long)limit.ReplenishmentPeriod.TotalMilliseconds, wanted, unusedCount]);

            // A wall-clock bound on purpose: it protects request latency, whatever clock the counters use.
            var result = (RedisResult[])(await evaluation.WaitAsync(options.Value.DecisionTimeout))!;
            return new StoreDecision((int)result[0], (long)result[1], TimeSpan.FromMilliseconds((long)result[2]), lease);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            Interlocked.Exchange(ref unavailableUntilTicks, (time.GetUtcNow() + options.Value.RedisRetryInterval).UtcTicks);
            metrics.StoreFailed();
            return null;
        }
    }
}
