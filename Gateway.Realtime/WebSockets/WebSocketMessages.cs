using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Streaming;

namespace AgentCore.Gateway.Realtime.WebSockets;

/// <summary>
/// The spec's message envelope, <c>{type, timestamp, data, request_id}</c>, both ways. Clients send <c>subscribe</c>,
/// <c>unsubscribe</c> (<c>data.events</c>: event types) and <c>heartbeat</c>; a <c>subscribe</c> may carry
/// <c>data.last_event_id</c>, the resume id (the <c>data.id</c> of the last event the client received, on any
/// connection), to be sent what it missed first. The server sends <c>event</c>, <c>heartbeat</c>, <c>ack</c> (same
/// <c>request_id</c> as the request), <c>gap</c> (a resume whose replay cannot be complete) and <c>error</c>.
/// </summary>
internal sealed record WebSocketMessage(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("data")] object Data,
    [property: JsonPropertyName("request_id")] string? RequestId);

/// <summary>A client's request, once it parsed.</summary>
/// <param name="Type"><c>subscribe</c>, <c>unsubscribe</c> or <c>heartbeat</c>.</param>
/// <param name="RequestId">The client's <c>request_id</c>, which the answer carries back.</param>
/// <param name="EventTypes">The event types to subscribe or unsubscribe.</param>
/// <param name="LastEventId">The resume id of a <c>subscribe</c>: replay the events after it first; null for none.</param>
internal sealed record ClientRequest(string Type, string? RequestId, IReadOnlyList<string> EventTypes, StreamEventId? LastEventId = null);

internal static class WebSocketMessages
{
    public const string Subscribe = "subscribe";
    public const string Unsubscribe = "unsubscribe";
    public const string Heartbeat = "heartbeat";
    public const string Ack = "ack";
    public const string Gap = "gap";
    public const string Error = "error";

    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    public static byte[] Encode(WebSocketMessage message) => JsonSerializer.SerializeToUtf8Bytes(message, SerializerOptions);

    /// <summary>Parses and validates a client message; on failure <paramref name="error"/> says why, for an <c>error</c> reply.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out ClientRequest? request, out string? requestId, [NotNullWhen(false)] out string? error)
    {
        request = null;
        requestId = null;
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(utf8);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            error = "The message is not valid JSON.";
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "The message must be a JSON object {type, timestamp, data, request_id}.";
                return false;
            }

            if (root.TryGetProperty("request_id", out var id) && id.ValueKind == JsonValueKind.String)
            {
                requestId = id.GetString();
            }

            var type = root.TryGetProperty("type", out var typeElement) && typeElement.ValueKind == JsonValueKind.String ? typeElement.GetString() : null;
            switch (type)
            {
                case Heartbeat:
                    request = new ClientRequest(type, requestId, []);
                    error = null;
                    return true;
                case Subscribe or Unsubscribe:
                    return TryParseEventTypes(root, type, requestId, out request, out error);
                default:
                    error = $"Unknown message type '{type}'; expected subscribe, unsubscribe or heartbeat.";
                    return false;
            }
        }
    }

    private static bool TryParseEventTypes(JsonElement root, string type, string? requestId, [NotNullWhen(true)] out ClientRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Array)
        {
            error = $"'{type}' needs data.events, an array of event types.";
            return false;
        }

        var types = new List<string>();
        foreach (var item in events.EnumerateArray())
        {
            var name = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
            if (name is null || !AgentEventTypes.All.Contains(name))
            {
                error = $"Unknown event type '{item}'; expected one of {string.Join(", ", AgentEventTypes.All)}.";
                return false;
            }

            types.Add(name);
        }

        StreamEventId? lastEventId = null;
        if (data.TryGetProperty("last_event_id", out var resume) && resume.ValueKind != JsonValueKind.Null)
        {
            if (type != Subscribe || resume.ValueKind != JsonValueKind.String || !StreamEventId.TryParse(resume.GetString(), out var parsed))
            {
                error = "data.last_event_id belongs to a subscribe and must be an event id from this stream, such as 1735689600000-0.";
                return false;
            }

            lastEventId = parsed;
        }

        request = new ClientRequest(type, requestId, types, lastEventId);
        error = null;
        return true;
    }
}
