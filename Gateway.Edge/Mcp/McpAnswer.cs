using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Edge.Mcp;

/// <summary>
/// An MCP server's answer to a POST as the Edge captured it: <c>application/json</c> (one message or a batch), or a
/// <c>text/event-stream</c> whose events carry messages; or the gateway's own error envelope. The Edge reads the
/// messages, may change some (filtered tool lists, errors in JSON-RPC form), and writes the answer on.
/// </summary>
internal sealed class McpAnswer
{
    private readonly byte[] raw;
    private readonly List<ServerSentEvent>? events;
    private readonly JsonNode? json;
    private bool changed;

    private McpAnswer(byte[] raw, JsonNode? json, List<ServerSentEvent>? events, (string Code, string Message)? envelope)
    {
        this.raw = raw;
        this.json = json;
        this.events = events;
        Envelope = envelope;
    }

    /// <summary>Set when the answer is the gateway's error envelope rather than JSON-RPC.</summary>
    public (string Code, string Message)? Envelope { get; }

    public static McpAnswer Read(HttpResponse response, ReadOnlySpan<byte> content, bool overflowed)
    {
        if (overflowed)
        {
            response.StatusCode = StatusCodes.Status502BadGateway;
            return new([], null, null, (ErrorCodes.BadGateway, "The MCP server's answer is larger than the gateway accepts."));
        }

        var bytes = content.ToArray();
        if (response.StatusCode is >= 500 and not (StatusCodes.Status502BadGateway or StatusCodes.Status503ServiceUnavailable or StatusCodes.Status504GatewayTimeout))
        {
            // The gateway never answers 500 itself, so this is the MCP server's own failure, whatever its body says:
            // the caller learns that the server behind the gateway failed, not that the gateway did.
            var upstreamStatus = response.StatusCode;
            response.StatusCode = StatusCodes.Status502BadGateway;
            return new(bytes, null, null, (ErrorCodes.BadGateway, $"The MCP server failed (HTTP {upstreamStatus})."));
        }

        var mediaType = response.ContentType?.Split(';')[0].Trim();
        if (string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            return new(bytes, null, ServerSentEvent.ReadAll(Encoding.UTF8.GetString(bytes)), null);
        }

        JsonNode? root = null;
        try
        {
            root = bytes.Length == 0 ? null : JsonNode.Parse(bytes);
        }
        catch (JsonException)
        {
        }

        if (response.StatusCode >= 400 && root is JsonObject obj && !obj.ContainsKey("jsonrpc")
            && obj["error"] is JsonObject error && error["code"]?.GetValueKind() == JsonValueKind.String)
        {
            return new(bytes, root, null, (error["code"]!.GetValue<string>(), error["message"]?.GetValue<string>() ?? "The request failed."));
        }

        if (response.StatusCode >= 400 && root is null)
        {
            // A failure with no body the Edge can read (an upstream that answered badly) is one the caller must still understand.
            return new(bytes, null, null, (ErrorCodes.BadGateway, "The MCP server answered with an error."));
        }

        return new(bytes, root, null, null);
    }

    /// <summary>This answer with its content replaced by <paramref name="message"/> (JSON).</summary>
    public McpAnswer Replaced(JsonNode message) => new(raw, message, null, Envelope) { changed = true };

    /// <summary>Removes from the <c>tools/list</c> result answering <paramref name="id"/> every tool not <paramref name="allowed"/>.</summary>
    public void FilterTools(JsonNode? id, Func<string, bool> allowed)
    {
        if (Find(id)?["result"]?["tools"] is not JsonArray tools)
        {
            return;
        }

        foreach (var tool in tools.ToList())
        {
            var name = tool?["name"]?.GetValueKind() == JsonValueKind.String ? tool["name"]!.GetValue<string>() : null;
            if (name is null || !allowed(name))
            {
                tools.Remove(tool);
                changed = true;
            }
        }
    }

    /// <summary>How the request <paramref name="id"/> ended, as an audit outcome and reason.</summary>
    public (string Outcome, string Reason) OutcomeOf(JsonNode? id) => Find(id) switch
    {
        null => (AuditOutcomes.Failure, "no_answer"),
        JsonObject message when message.ContainsKey("error") => (AuditOutcomes.Failure, "rpc_error"),
        JsonObject message when message["result"]?["isError"]?.GetValueKind() == JsonValueKind.True => (AuditOutcomes.Failure, "tool_error"),
        _ => (AuditOutcomes.Success, "completed"),
    };

    public async Task WriteAsync(HttpResponse response)
    {
        byte[] content;
        if (!changed)
        {
            content = raw;
        }
        else if (events is not null)
        {
            content = Encoding.UTF8.GetBytes(string.Concat(events.Select(serverEvent => serverEvent.Render())));
        }
        else
        {
            content = Encoding.UTF8.GetBytes(json!.ToJsonString());
            response.ContentType = "application/json";
        }

        response.Headers.Remove("Transfer-Encoding");
        response.ContentLength = content.Length;
        await response.Body.WriteAsync(content, response.HttpContext.RequestAborted);
    }

    private JsonObject? Find(JsonNode? id) => Messages().FirstOrDefault(message =>
        message.TryGetPropertyValue("id", out var answered) && JsonNode.DeepEquals(answered, id));

    private IEnumerable<JsonObject> Messages()
    {
        IEnumerable<JsonNode?> roots = events is not null ? events.Select(serverEvent => serverEvent.Data) : [json];
        foreach (var root in roots)
        {
            if (root is JsonObject message)
            {
                yield return message;
            }
            else if (root is JsonArray batch)
            {
                foreach (var item in batch.OfType<JsonObject>())
                {
                    yield return item;
                }
            }
        }
    }

    /// <summary>One event of a <c>text/event-stream</c>: its <c>data</c> as JSON, and its other fields as they came.</summary>
    private sealed class ServerSentEvent(List<string> otherLines, JsonNode? data, string rawData)
    {
        public JsonNode? Data { get; } = data;

        public static List<ServerSentEvent> ReadAll(string text)
        {
            var list = new List<ServerSentEvent>();
            foreach (var block in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
            {
                var others = new List<string>();
                var data = new List<string>();
                foreach (var line in block.Split('\n'))
                {
                    if (line.StartsWith("data:", StringComparison.Ordinal))
                    {
                        data.Add(line[5..].StartsWith(' ') ? line[6..] : line[5..]);
                    }
                    else
                    {
                        others.Add(line);
                    }
                }

                var rawData = string.Join('\n', data);
                JsonNode? parsed = null;
                try
                {
                    parsed = data.Count == 0 ? null : JsonNode.Parse(rawData);
                }
                catch (JsonException)
                {
                }

                list.Add(new ServerSentEvent(others, parsed, rawData));
            }

            return list;
        }

        public string Render()
        {
            var builder = new StringBuilder();
            foreach (var line in otherLines)
            {
                builder.Append(line).Append('\n');
            }

            var data = Data?.ToJsonString() ?? rawData;
            if (data.Length > 0 || Data is not null)
            {
                builder.Append("data: ").Append(data).Append('\n');
            }

            return builder.Append('\n').ToString();
        }
    }
}
