using System.Text.Json;
using AgentCore.Gateway.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCore.Gateway.Messaging.Events;

internal sealed class RedisAgentEventPublisher(IConnectionMultiplexer redis, IOptions<AgentEventStreamOptions> options, TimeProvider time)
    : IAgentEventPublisher
{
    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

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
}
