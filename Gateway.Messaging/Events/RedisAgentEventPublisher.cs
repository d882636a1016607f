using System.Text.Json;
using AgentCore.Gateway.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCore.Gateway.Messaging.Events;

internal sealed class RedisAgentEventPublisher(IConnectionMultiplexer redis, IOptions<AgentEventStreamOptions> options, TimeProvider time)
    : IAgentEventPublisher
{
    /// <summary>The key that remembers, for <see cref="AgentEventStreamOptions.PublishedIdRetention"/>, the stream id an event id got.</summary>
    public const string PublishedKeyPrefix = "agentcore:events:published:";

    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    // KEYS: the stream, the event's published key. ARGV: the trim strategy (MAXLEN or MINID) and threshold, the type
    // field and value, the payload field and value, how long to remember the event id (ms).
    private static readonly LuaScript PublishOnceScript = LuaScript.Prepare("""
        local seen = redis.call('GET', @published)
        if seen then
          return seen
        end
        local id = redis.call('XADD', @stream, @trim, '~', @threshold, '*', @typeField, @type, @payloadField, @payload)
        redis.call('SET', @published, id, 'PX', @remember)
        return id
        """);

    public async Task<string> PublishAsync(AgentEvent agentEvent, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var database = redis.GetDatabase();
        var settings = options.Value;
        NameValueEntry[] fields =
        [
            new(StreamNames.TypeField, agentEvent.Type),
            new(StreamNames.PayloadField, JsonSerializer.Serialize(agentEvent, SerializerOptions)),
        ];

        // Length and age trimming are separate Redis options; age wins when configured because it is the stricter promise.
        if (settings.MaxAge is { } maxAge)
        {
            var result = await database.ExecuteAsync(
                "XADD",
                [StreamNames.AgentEvents, "MINID", "~", $"{(time.GetUtcNow() - maxAge).ToUnixTimeMilliseconds()}-0", "*",
                 StreamNames.TypeField, agentEvent.Type, StreamNames.PayloadField, fields[1].Value.ToString()]).ConfigureAwait(false);
            return result.ToString();
        }

        var id = await database.StreamAddAsync(StreamNames.AgentEvents, fields, maxLength: settings.MaxLength, useApproximateMaxLength: true).ConfigureAwait(false);
        return id.ToString();
    }

    public async Task<string> PublishOnceAsync(AgentEvent agentEvent, Guid eventId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var settings = options.Value;
        var (trim, threshold) = settings.MaxAge is { } maxAge
            ? ("MINID", $"{(time.GetUtcNow() - maxAge).ToUnixTimeMilliseconds()}-0")
            : ("MAXLEN", settings.MaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var result = await redis.GetDatabase().ScriptEvaluateAsync(PublishOnceScript, new
        {
            stream = (RedisKey)StreamNames.AgentEvents,
            published = (RedisKey)(PublishedKeyPrefix + eventId.ToString("N")),
            trim,
            threshold,
            typeField = StreamNames.TypeField,
            type = agentEvent.Type,
            payloadField = StreamNames.PayloadField,
            payload = JsonSerializer.Serialize(agentEvent, SerializerOptions),
            remember = (long)settings.PublishedIdRetention.TotalMilliseconds,
        }).ConfigureAwait(false);
        return result.ToString();
    }
}
