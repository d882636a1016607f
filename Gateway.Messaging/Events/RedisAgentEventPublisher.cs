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

    // KEYS[1]: the stream; KEYS[1 + i]: event i's published key. ARGV: the trim strategy (MAXLEN or MINID) and
    // threshold, the type field, the payload field, how long to remember an event id (ms), then each event's type and
    // payload. The events are appended in order; one already appended (its published key is set) keeps its stream id.
    private const string PublishOnceScript = """
        local ids = {}
        for i = 2, #KEYS do
          local id = redis.call('GET', KEYS[i])
          if not id then
            local at = 4 + 2 * (i - 1)
            id = redis.call('XADD', KEYS[1], ARGV[1], '~', ARGV[2], '*', ARGV[3], ARGV[at], ARGV[4], ARGV[at + 1])
            redis.call('SET', KEYS[i], id, 'PX', ARGV[5])
          end
          ids[i - 1] = id
        end
        return ids
        """;

    private const int FixedArguments = 5;

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

    public async Task<string> PublishOnceAsync(AgentEvent agentEvent, Guid eventId, CancellationToken cancellationToken = default) =>
        (await PublishOnceAsync([new IdentifiedAgentEvent(agentEvent, eventId)], cancellationToken).ConfigureAwait(false))[0];

    public async Task<IReadOnlyList<string>> PublishOnceAsync(IReadOnlyList<IdentifiedAgentEvent> events, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (events.Count == 0)
        {
            return [];
        }

        var settings = options.Value;
        var keys = new RedisKey[events.Count + 1];
        var arguments = new RedisValue[FixedArguments + (2 * events.Count)];
        keys[0] = StreamNames.AgentEvents;
        (arguments[0], arguments[1]) = settings.MaxAge is { } maxAge
            ? ((RedisValue)"MINID", (RedisValue)$"{(time.GetUtcNow() - maxAge).ToUnixTimeMilliseconds()}-0")
            : ((RedisValue)"MAXLEN", (RedisValue)settings.MaxLength);
        arguments[2] = StreamNames.TypeField;
        arguments[3] = StreamNames.PayloadField;
        arguments[4] = (long)settings.PublishedIdRetention.TotalMilliseconds;
        for (var i = 0; i < events.Count; i++)
        {
            var (agentEvent, eventId) = events[i];
            keys[i + 1] = PublishedKeyPrefix + eventId.ToString("N");
            arguments[FixedArguments + (2 * i)] = agentEvent.Type;
            arguments[FixedArguments + (2 * i) + 1] = JsonSerializer.SerializeToUtf8Bytes(agentEvent, SerializerOptions);
        }

        var result = await redis.GetDatabase().ScriptEvaluateAsync(PublishOnceScript, keys, arguments).ConfigureAwait(false);
        return Array.ConvertAll((RedisResult[])result!, id => id.ToString());
    }
}
