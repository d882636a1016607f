using System.Text.Json.Nodes;
using AgentCore.Gateway.Authentication.EdgeTrust;
using Microsoft.AspNetCore.Http;

namespace AgentCore.Gateway.Edge.Tests.Mcp;

/// <summary>
/// A stateless MCP server in plain JSON-RPC over HTTP, on <see cref="EchoBackend"/> (so behind the real Edge-trust
/// middleware): it knows the agent-tools tools and answers each call with the caller the Edge vouched for.
/// </summary>
internal sealed class McpToolServer
{
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

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString(), context.RequestAborted);
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
