using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace AgentCore.Gateway.ServiceDefaults.Redis;

/// <summary>
/// Asks a Redis-protocol server to do, on a throw-away key, each kind of thing the gateway's services do: Streams with
/// consumer groups (events, audit), Lua scripts (rate limits) and pub/sub (API key revocation). A capability probe,
/// not a version guess: servers that speak the protocol (Garnet, older Redis) answer PING and still lack some of it.
/// Commands go out raw, so the client library's own version checks cannot hide what the server would answer.
/// </summary>
public static class RedisCapabilityProbe
{
    private const string Script = "return ARGV[1]";

    [SuppressMessage("Security", "CA5350", Justification = "Redis names scripts by their SHA-1; nothing relies on it for security.")]
    private static readonly string ScriptSha = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(Script)));

    /// <summary>
    /// Runs the probe and removes what it wrote. Throws <see cref="RedisConnectionException"/> or
    /// <see cref="RedisTimeoutException"/> when the server does not answer at all: that is no answer about capabilities.
    /// </summary>
    public static async Task<RedisCapabilityReport> ProbeAsync(IConnectionMultiplexer redis, TimeSpan pubSubTimeout)
    {
        ArgumentNullException.ThrowIfNull(redis);
        var database = redis.GetDatabase();
        var suffix = Guid.NewGuid().ToString("N");
        var key = "agentcore:capability-probe:" + suffix;
        const string group = "probe";
        const string consumer = "probe";
        var missing = new List<string>();

        async Task TryAsync(string command, params object[] arguments)
        {
            try
            {
                await database.ExecuteAsync(command, arguments).ConfigureAwait(false);
            }
            catch (RedisServerException)
            {
                missing.Add(command);
            }
        }

        try
        {
            // The group first, with MKSTREAM, so that each Streams command is tried even when another is missing.
            await TryAsync("XGROUP", "CREATE", key, group, "0", "MKSTREAM").ConfigureAwait(false);
            await TryAsync("XADD", key, "*", "probe", "1").ConfigureAwait(false);
            await database.KeyExpireAsync(key, TimeSpan.FromMinutes(1)).ConfigureAwait(false);
            await TryAsync("XREADGROUP", "GROUP", group, consumer, "COUNT", "1", "STREAMS", key, ">").ConfigureAwait(false);
            await TryAsync("XAUTOCLAIM", key, group, consumer, "0", "0-0", "COUNT", "1").ConfigureAwait(false);
            await TryAsync("XACK", key, group, "0-1").ConfigureAwait(false);
            await TryAsync("EVAL", Script, "0", "probe").ConfigureAwait(false);
            await TryAsync("EVALSHA", ScriptSha, "0", "probe").ConfigureAwait(false);
            if (!await PublishAndReceiveAsync(redis, "agentcore:capability-probe:" + suffix, pubSubTimeout).ConfigureAwait(false))
            {
                missing.Add("PUBLISH/SUBSCRIBE");
            }
        }
        finally
        {
            await database.KeyDeleteAsync(key).ConfigureAwait(false);
        }

        return new RedisCapabilityReport(missing);
    }

    /// <summary>A message published on a fresh channel reaches a subscriber of it.</summary>
    private static async Task<bool> PublishAndReceiveAsync(IConnectionMultiplexer redis, string channelName, TimeSpan timeout)
    {
        var channel = RedisChannel.Literal(channelName);
        var subscriber = redis.GetSubscriber();
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await subscriber.SubscribeAsync(channel, (_, _) => received.TrySetResult()).ConfigureAwait(false);
            await subscriber.PublishAsync(channel, "probe").ConfigureAwait(false);
            await received.Task.WaitAsync(timeout).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (exception is RedisServerException or (TimeoutException and not RedisTimeoutException))
        {
            return false;
        }
        finally
        {
            await subscriber.UnsubscribeAsync(channel).ConfigureAwait(false);
        }
    }
}
