using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCore.Gateway.Identity.Users;

/// <summary>
/// Growing delays between password tries per account name and source address, in Redis so that every instance
/// applies them. A try is counted as a failure when it starts (one script, so that parallel tries cannot slip past the
/// delay) and forgotten when it succeeds. The name is counted whether or not an account has it, so that the throttle
/// says nothing about which accounts exist. IPv6 sources count by their /64 network, which one host gets whole. While
/// Redis cannot be asked, tries are let through (the per-account cap in the database still applies) and it is logged.
/// </summary>
internal sealed partial class SignInThrottle(IConnectionMultiplexer redis, IOptions<LockoutOptions> options, TimeProvider time, ILogger<SignInThrottle> logger)
{
    private const string BeginScript = """
        local now = tonumber(ARGV[1])
        local failures = tonumber(redis.call('HGET', KEYS[1], 'f') or '0')
        local next = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
        if now < next then return 0 end
        failures = failures + 1
        local delay = 0
        if failures >= tonumber(ARGV[2]) then
            delay = math.min(tonumber(ARGV[3]) * 2 ^ (failures - tonumber(ARGV[2])), tonumber(ARGV[4]))
        end
        -- No delay is stored as none, not as "now": instances whose clocks differ must not refuse each other's tries.
        local blocked = 0
        if delay > 0 then blocked = now + delay end
        redis.call('HSET', KEYS[1], 'f', failures, 'n', blocked)
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        return 1
        """;

    /// <summary>True when <paramref name="userName"/> may be tried from <paramref name="source"/> now; the try then counts as a failure until <see cref="SucceededAsync"/>.</summary>
    public async Task<bool> TryBeginAsync(string userName, IPAddress? source)
    {
        var settings = options.Value;
        try
        {
            var allowed = await redis.GetDatabase().ScriptEvaluateAsync(
                BeginScript,
                [Key(userName, source)],
                [time.GetUtcNow().ToUnixTimeMilliseconds(), settings.FreeAttempts, (long)settings.FirstDelay.TotalMilliseconds,
                 (long)settings.MaxDelay.TotalMilliseconds, (long)settings.FailureMemory.TotalMilliseconds]);
            return (int)allowed == 1;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogThrottleUnavailable(logger, exception);
            return true;
        }
    }

    /// <summary>Forgets the failures of <paramref name="userName"/> from <paramref name="source"/> after a successful sign-in.</summary>
    public async Task SucceededAsync(string userName, IPAddress? source)
    {
        try
        {
            await redis.GetDatabase().KeyDeleteAsync(Key(userName, source));
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogThrottleUnavailable(logger, exception);
        }
    }

    /// <summary>A hash, so that neither user names nor addresses become Redis keys; names compare case-insensitively.</summary>
    private static RedisKey Key(string userName, IPAddress? source)
    {
        var identity = userName.ToUpperInvariant() + "\n" + SourceNetwork(source);
        return "identity:sign-in:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)));
    }

    private static string SourceNetwork(IPAddress? source)
    {
        if (source is null)
        {
            return "unknown";
        }

        if (source.IsIPv4MappedToIPv6)
        {
            source = source.MapToIPv4();
        }

        if (source.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return source.ToString();
        }

        var bytes = source.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The sign-in throttle cannot reach Redis; password tries are not slowed down meanwhile")]
    private static partial void LogThrottleUnavailable(ILogger logger, Exception exception);
}
