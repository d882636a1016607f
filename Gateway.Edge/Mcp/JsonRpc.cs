using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Edge.Mcp;

/// <summary>JSON-RPC 2.0 as MCP uses it: the error codes, and reading the messages of one HTTP request.</summary>
internal static class JsonRpc
{
    public const int ParseError = -32700;
    public const int InvalidRequest = -32600;
    public const int InvalidParams = -32602;
    public const int InternalError = -32603;

    /// <summary>The Edge's policy refused the tool call (server-defined range of JSON-RPC 2.0).</summary>
    public const int Refused = -32001;

    /// <summary>A rate limit refused the request; <c>Retry-After</c> says when to try again.</summary>
    public const int RateLimited = -32002;

    /// <summary>The MCP server behind the Edge could not be reached, failed, or did not answer in time.</summary>
    public const int UpstreamUnavailable = -32003;

    // I-JSON (RFC 7493): no duplicate member names, no string that is not valid Unicode; a body that breaks either is
    // refused here rather than failing whoever reads it later.
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    public static JsonObject Error(JsonNode? id, int code, string message, JsonObject? data = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (data is not null)
        {
            error["data"] = data;
        }

        return new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id?.DeepClone(), ["error"] = error };
    }

    /// <summary>
    /// The messages of a request body: one object, or a batch (an array) of them. Null with <paramref name="error"/> set
    /// when the body is not JSON (<see cref="ParseError"/>) or not JSON-RPC (<see cref="InvalidRequest"/>).
    /// </summary>
    public static IReadOnlyList<JsonRpcMessage>? Read(ReadOnlyMemory<byte> body, int maxBatchSize, out bool batch, out JsonObject? error)
    {
        batch = false;
        error = null;
        JsonNode? root;
        try
        {
            using (var document = JsonDocument.Parse(body, DocumentOptions))
            {
                ThrowOnInvalidText(document.RootElement);
            }

            root = JsonNode.Parse(body.Span, documentOptions: DocumentOptions);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            error = Error(null, ParseError, "Parse error: the body is not valid JSON.");
            return null;
        }

        if (root is JsonArray array)
        {
            batch = true;
            if (array.Count == 0 || array.Count > maxBatchSize)
            {
                error = Error(null, InvalidRequest, maxBatchSize == 0
                    ? "Invalid Request: batches are not accepted."
                    : $"Invalid Request: a batch holds 1 to {maxBatchSize} messages.");
                return null;
            }
        }

        var messages = new List<JsonRpcMessage>();
        foreach (var node in root is JsonArray items ? [.. items] : new[] { root })
        {
            if (!JsonRpcMessage.TryRead(node, out var message))
            {
                error = Error(message?.Id, InvalidRequest, "Invalid Request: not a JSON-RPC 2.0 message.");
                return null;
            }

            messages.Add(message!);
        }

        return messages;
    }

    /// <summary>The JSON-RPC code of an error the gateway answered with its envelope (status and envelope code).</summary>
    /// <summary>Reads every string and member name, so that one that is not valid UTF-16 (a lone surrogate escape) throws now.</summary>
    private static void ThrowOnInvalidText(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                _ = element.GetString();
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    ThrowOnInvalidText(item);
                }

                break;
            case JsonValueKind.Object:
                foreach (var member in element.EnumerateObject())
                {
                    _ = member.Name;
                    ThrowOnInvalidText(member.Value);
                }

                break;
        }
    }

    public static int CodeFor(int status, string? envelopeCode) => status switch
    {
        StatusCodes.Status429TooManyRequests => RateLimited,
        StatusCodes.Status413PayloadTooLarge => InvalidRequest,
        >= 500 => UpstreamUnavailable,
        _ when envelopeCode == ErrorCodes.ValidationError => InvalidParams,
        _ => InvalidRequest,
    };
}

/// <summary>One JSON-RPC message from the client: a request (method and id), a notification (no id) or a response.</summary>
internal sealed record JsonRpcMessage(JsonNode? Id, bool HasId, string? Method, JsonNode? Params)
{
    public bool IsRequest => HasId && Method is not null;

    public static bool TryRead(JsonNode? node, out JsonRpcMessage? message)
    {
        message = null;
        if (node is not JsonObject obj)
        {
            return false;
        }

        var hasId = obj.TryGetPropertyValue("id", out var id);
        if (hasId && id is not null && id.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number))
        {
            return false;
        }

        message = new JsonRpcMessage(hasId ? id : null, hasId, null, null);
        if (!obj.TryGetPropertyValue("jsonrpc", out var version) || version?.GetValueKind() != JsonValueKind.String
            || !string.Equals(version.GetValue<string>(), "2.0", StringComparison.Ordinal))
        {
            return false;
        }

        obj.TryGetPropertyValue("params", out var parameters);
        if (parameters is not null && parameters.GetValueKind() is not (JsonValueKind.Object or JsonValueKind.Array))
        {
            return false;
        }

        if (obj.TryGetPropertyValue("method", out var method))
        {
            if (method?.GetValueKind() != JsonValueKind.String || method.GetValue<string>() is not { Length: > 0 } name)
            {
                return false;
            }

            message = message with { Method = name, Params = parameters };
            return true;
        }

        // A response to a request of the server: it must answer an id, with a result or an error.
        return hasId && (obj.ContainsKey("result") || obj.ContainsKey("error"));
    }
}
