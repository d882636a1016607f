using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Realtime.WebSockets;

/// <summary>
/// The spec's message envelope, <c>{type, timestamp, data, request_id}</c>, both ways. Clients send <c>subscribe</c>,
/// <c>unsubscribe</c> (<c>data.events</c>: event types) and <c>heartbeat</c>; the server sends <c>event</c>,
/// <c>heartbeat</c>, <c>ack</c> (same <c>request_id</c> as the request) and <c>error</c>.
/// </summary>
internal sealed record WebSocketMessage(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("data")] object Data,
    [property: JsonPropertyName("request_id")] string? RequestId);

/// <summary>A client's request, once it parsed.</summary>
internal sealed record ClientRequest(string Type, string? RequestId, IReadOnlyList<string> EventTypes);

internal static class WebSocketMessages
{
    public const string Subscribe = "subscribe";
    public const string Unsubscribe = "unsubscribe";
    public const string Heartbeat = "heartbeat";
    public const string Ack = "ack";
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

        request = new ClientRequest(type, requestId, types);
        error = null;
        return true;
    }
}
