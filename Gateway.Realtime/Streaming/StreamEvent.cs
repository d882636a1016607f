using System.Text;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using StackExchange.Redis;

namespace AgentCore.Gateway.Realtime.Streaming;

/// <summary>
/// One entry of the agent-events stream. The wire forms are encoded once, on first use, and shared by every
/// connection the event goes to.
/// </summary>
internal sealed class StreamEvent
{
    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    private byte[]? serverSentEvent;
    private byte[]? webSocketMessage;

    public StreamEvent(StreamEventId id, AgentEvent agentEvent, string payload)
    {
        Id = id;
        Event = agentEvent;
        Payload = payload;
    }

    public StreamEventId Id { get; }

    public AgentEvent Event { get; }

    /// <summary>The event's JSON document as the producer wrote it: one line, since JSON escapes line breaks in strings.</summary>
    public string Payload { get; }

    /// <summary>Parses a stream entry; null when it does not hold a valid <see cref="AgentEvent"/>.</summary>
    public static StreamEvent? FromEntry(string id, string? payload)
    {
        if (!StreamEventId.TryParse(id, out var eventId) || string.IsNullOrEmpty(payload))
        {
            return null;
        }

        try
        {
            var agentEvent = JsonSerializer.Deserialize<AgentEvent>(payload, SerializerOptions);
            return agentEvent is { Type: not null, AgentId: not null, TenantId: not null } ? new StreamEvent(eventId, agentEvent, payload) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static StreamEvent? FromEntry(StreamEntry entry) => FromEntry(entry.Id.ToString(), entry[StreamNames.PayloadField]);

    /// <summary><c>event:</c>, <c>id:</c> and <c>data:</c> lines and the blank line that ends an SSE event.</summary>
    public ReadOnlyMemory<byte> ServerSentEvent =>
        serverSentEvent ??= Encoding.UTF8.GetBytes($"event: {Event.Type}\nid: {Id}\ndata: {Payload}\n\n");

    /// <summary>The WebSocket <c>event</c> message: the stream id and the event itself under <c>data</c>.</summary>
    public ReadOnlyMemory<byte> WebSocketMessage => webSocketMessage ??= EncodeWebSocketMessage();

    private byte[] EncodeWebSocketMessage()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "event");
            writer.WriteString("timestamp", Event.Timestamp);
            writer.WriteStartObject("data");
            writer.WriteString("id", Id.ToString());
            writer.WritePropertyName("event");
            writer.WriteRawValue(Payload, skipInputValidation: true);
            writer.WriteEndObject();
            writer.WriteString("request_id", Event.RequestId ?? Guid.NewGuid().ToString());
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
