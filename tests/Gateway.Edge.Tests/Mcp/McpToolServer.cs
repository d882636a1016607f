using System.Text.Json.Nodes;
using AgentCore.Gateway.Authentication.EdgeTrust;
using AgentCore.Gateway.Contracts;
using Microsoft.AspNetCore.Http;

namespace AgentCore.Gateway.Edge.Tests.Mcp;

/// <summary>
/// A stateless MCP server in plain JSON-RPC over HTTP, on <see cref="EchoBackend"/> (so behind the real Edge-trust
/// middleware): it knows the agent-tools tools and answers each call with the caller the Edge vouched for. Under other
/// names it answers as the Streamable HTTP transport may (<see cref="StreamingServer"/>: one event of a
/// <c>text/event-stream</c>) or fails as an upstream may (<see cref="RefusingServer"/>, <see cref="BrokenServer"/>,
/// <see cref="FailingServer"/>, <see cref="CrashingServer"/>, <see cref="OversizedServer"/>).
/// </summary>
internal sealed class McpToolServer
{
    public const string StreamingServer = "sse-tools";

    /// <summary>Answers with the gateway's error envelope, as a service of the platform refusing the request does.</summary>
    public const string RefusingServer = "refusing-tools";

    public const string RefusalMessage = "The task name is not valid.";

    /// <summary>Answers 503 with a body that is not JSON, as a restarting upstream or a proxy in front of it does.</summary>
    public const string BrokenServer = "broken-tools";

    /// <summary>Answers 500 with a JSON-RPC error, as an MCP server whose tool threw does.</summary>
    public const string FailingServer = "failing-tools";

    /// <summary>Answers 500 with no body, as a crashing upstream or a proxy in front of it does.</summary>
    public const string CrashingServer = "crashing-tools";

    /// <summary>Answers more than the Edge accepts (its 4 MiB default).</summary>
    public const string OversizedServer = "oversized-tools";

    /// <summary>The fields of the event <see cref="StreamingServer"/> sends besides its data, which the Edge must keep.</summary>
    public const string EventFields = "event: message\nid: event-1\n";

    public static readonly string[] ToolNames = ["list_agents", "get_task", "create_task", "cancel_all_tasks"];

    private int toolCalls;

    /// <summary>How many tool calls reached the server (the Edge answers the refused ones itself).</summary>
    public int ToolCalls => Volatile.Read(ref toolCalls);

    public async Task AnswerAsync(HttpContext context)
    {
        var request = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        JsonNode? answer = request is JsonArray batch
            ? new JsonArray([.. batch.Where(message => message?["id"] is not null).Select(message => Answer(message!, context))])
            : request?["id"] is null ? null : Answer(request, context);
        if (answer is null)
        {
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            return;
        }

        switch (context.Request.RouteValues["server"] as string)
        {
            case StreamingServer:
                context.Response.ContentType = "text/event-stream";
                await context.Response.WriteAsync(EventFields + "data: " + answer.ToJsonString() + "\n\n", context.RequestAborted);
                break;
            case RefusingServer:
                context.Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                await context.Response.WriteAsJsonAsync(
                    new JsonObject { ["error"] = new JsonObject { ["code"] = ErrorCodes.ValidationError, ["message"] = RefusalMessage } }, context.RequestAborted);
                break;
            case BrokenServer:
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync("<html>restarting</html>", context.RequestAborted);
                break;
            case FailingServer:
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(
                    new JsonObject { ["jsonrpc"] = "2.0", ["id"] = answer is JsonObject one ? one["id"]?.DeepClone() : null, ["error"] = new JsonObject { ["code"] = -32603, ["message"] = "Internal error" } }.ToJsonString(),
                    context.RequestAborted);
                break;
            case CrashingServer:
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                break;
            case OversizedServer:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(new JsonObject { ["padding"] = new string('x', 5 * 1024 * 1024) }.ToJsonString(), context.RequestAborted);
                break;
            default:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(answer.ToJsonString(), context.RequestAborted);
                break;
        }
    }

    private JsonObject Answer(JsonNode message, HttpContext context)
    {
        var result = message["method"]?.GetValue<string>() switch
        {
            "tools/list" => new JsonObject
            {
                ["tools"] = new JsonArray([.. ToolNames.Select(name => new JsonObject { ["name"] = name, ["inputSchema"] = new JsonObject { ["type"] = "object" } })]),
            },
            "tools/call" => Called(context),
            _ => new JsonObject(),
        };
        return new JsonObject { ["jsonrpc"] = "2.0", ["id"] = message["id"]?.DeepClone(), ["result"] = result };
    }

    private JsonObject Called(HttpContext context)
    {
        Interlocked.Increment(ref toolCalls);
        var caller = context.GetEdgeCaller();
        return new JsonObject
        {
            ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = $"{caller?.Subject} via {caller?.ClientId}" }),
            ["isError"] = false,
        };
    }
}
