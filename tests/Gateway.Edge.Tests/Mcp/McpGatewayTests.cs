using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.TestSupport;
using CsCheck;
using Microsoft.AspNetCore.Hosting;

namespace AgentCore.Gateway.Edge.Tests.Mcp;

/// <summary>
/// The Edge with its configured agent-tools MCP server (on <see cref="EchoBackend"/>), small tool limits so that they
/// can be reached, and two servers that fail: <c>slow-tools</c> (its upstream never answers within its 1 s) and
/// <c>down-tools</c> (a loopback port nobody listens on, with the passive breaker of any cluster).
/// </summary>
public sealed class McpEdgeFixture : EdgeFixture
{
    public const int CreateTaskLimit = 2;
    public const int AgentLimit = 6;

    protected override void Configure(IWebHostBuilder web)
    {
        web.UseSetting("RateLimiting:Policies:mcp-create-task:Limits:0:PermitLimit", CreateTaskLimit.ToString(CultureInfo.InvariantCulture));
        web.UseSetting("RateLimiting:Policies:mcp-agent:Limits:0:PermitLimit", AgentLimit.ToString(CultureInfo.InvariantCulture));

        // The hostile-input property sends a few hundred requests as one caller: the route's own limit is not under test.
        web.UseSetting("RateLimiting:Policies:standard:Limits:0:PermitLimit", "1000000");
        web.UseSetting("RateLimiting:Policies:standard:Limits:0:TokensPerPeriod", "1000000");

        web.UseSetting("Mcp:Servers:slow-tools:Cluster", "agenttools");
        web.UseSetting("Mcp:Servers:slow-tools:UpstreamPath", "/slow/mcp");
        web.UseSetting("Mcp:Servers:slow-tools:Timeout", "00:00:01");
        web.UseSetting("Mcp:Servers:slow-tools:Tools:list_agents:Scopes:0", GatewayScopes.AgentsRead);

        web.UseSetting("Mcp:Servers:down-tools:Cluster", "mcpdown");
        web.UseSetting("Mcp:Servers:down-tools:Tools:list_agents:Scopes:0", GatewayScopes.AgentsRead);
        web.UseSetting("ReverseProxy:Clusters:mcpdown:Destinations:primary:Address", $"http://127.0.0.1:{FreePort.Next()}");
        web.UseSetting("ReverseProxy:Clusters:mcpdown:HealthCheck:AvailableDestinationsPolicy", "HealthyAndUnknown");
        web.UseSetting("ReverseProxy:Clusters:mcpdown:HealthCheck:Passive:Enabled", "true");
        web.UseSetting("ReverseProxy:Clusters:mcpdown:HealthCheck:Passive:Policy", "TransportFailureRate");
        web.UseSetting("ReverseProxy:Clusters:mcpdown:HealthCheck:Passive:ReactivationPeriod", "00:05:00");
        web.UseSetting("ReverseProxy:Clusters:mcpdown:Metadata:TransportFailureRateHealthPolicy.RateLimit", "0.5");
    }
}

/// <summary>
/// The Edge as MCP gateway, in process against a real redis-server: per-tool and per-agent limits on the distributed
/// limiter, upstream failures and the breaker as JSON-RPC errors, and hostile bodies that never make a 500.
/// </summary>
public sealed class McpGatewayTests(McpEdgeFixture edge) : IClassFixture<McpEdgeFixture>
{
    private const string AgentTools = "/mcp/agent-tools";

    [Fact]
    public async Task A_tool_with_a_limit_of_its_own_is_refused_past_it_while_the_callers_other_tools_go_on()
    {
        using var client = edge.CreateClient();
        var token = Token(subject: Unique("user"), clientId: Unique("agent"));
        var reached = edge.McpTools.ToolCalls;

        for (var call = 0; call < McpEdgeFixture.CreateTaskLimit; call++)
        {
            Assert.NotNull((await CallAsync(client, token, AgentTools, ToolCall("create_task"), HttpStatusCode.OK))["result"]);
        }

        using var refused = await PostAsync(client, token, AgentTools, ToolCall("create_task"));
        var error = await ErrorAsync(refused, HttpStatusCode.TooManyRequests, -32002);
        Assert.Equal("mcp-create-task", error["data"]!["policy"]!.GetValue<string>());
        Assert.NotNull(refused.Headers.RetryAfter);

        Assert.NotNull((await CallAsync(client, token, AgentTools, ToolCall("list_agents"), HttpStatusCode.OK))["result"]);
        Assert.Equal(reached + McpEdgeFixture.CreateTaskLimit + 1, edge.McpTools.ToolCalls);
    }

    [Fact]
    public async Task Every_tool_call_of_one_agent_counts_against_its_limit_whoever_it_acts_for_and_the_count_is_kept_in_redis()
    {
        using var client = edge.CreateClient();
        var agent = Unique("agent");
        var tokens = new[] { Token(Unique("user"), agent), Token(Unique("user"), agent) };

        for (var call = 0; call < McpEdgeFixture.AgentLimit; call++)
        {
            await CallAsync(client, tokens[call % 2], AgentTools, ToolCall("list_agents"), HttpStatusCode.OK);
        }

        using var refused = await PostAsync(client, tokens[0], AgentTools, ToolCall("get_task"));
        Assert.Equal("mcp-agent", (await ErrorAsync(refused, HttpStatusCode.TooManyRequests, -32002))["data"]!["policy"]!.GetValue<string>());

        // Another agent acting for the same user has its own budget; tools/list is no tool call and is not counted.
        await CallAsync(client, Token(Unique("user"), Unique("agent")), AgentTools, ToolCall("list_agents"), HttpStatusCode.OK);
        await CallAsync(client, tokens[0], AgentTools, ToolsList(), HttpStatusCode.OK);

        // The count lives in Redis, where every Edge replica reads it: once it is gone there, the agent is admitted again.
        var database = edge.Redis.GetDatabase();
        foreach (var key in edge.Redis.GetServers().Single().Keys(pattern: "ratelimit:{mcp-agent:*"))
        {
            await database.KeyDeleteAsync(key);
        }

        await CallAsync(client, tokens[0], AgentTools, ToolCall("get_task"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_upstream_that_is_slow_is_a_json_rpc_error_with_the_gateway_timeout()
    {
        using var client = edge.CreateClient();
        var token = Token(Unique("user"), Unique("agent"), server: "slow-tools");

        using var answer = await PostAsync(client, token, "/mcp/slow-tools", ToolCall("list_agents"));

        var error = await ErrorAsync(answer, HttpStatusCode.GatewayTimeout, -32003);
        Assert.Equal(ErrorCodes.GatewayTimeout, error["data"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_upstream_that_is_down_is_a_json_rpc_error_and_its_breaker_opens_as_for_any_route()
    {
        using var client = edge.CreateClient();
        var token = Token(Unique("user"), Unique("agent"), server: "down-tools");
        var statuses = new List<HttpStatusCode>();

        // Enough failed forwards for the failure-rate policy (10 requests at least in its window) to open the breaker:
        // then the Edge answers without trying the upstream, still as a JSON-RPC error.
        for (var attempt = 0; attempt < 20 && !statuses.Contains(HttpStatusCode.ServiceUnavailable); attempt++)
        {
            using var answer = await PostAsync(client, token, "/mcp/down-tools", ToolCall("list_agents"));
            statuses.Add(answer.StatusCode);
            var error = await ErrorAsync(answer, answer.StatusCode, -32003);
            Assert.True(answer.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable, error.ToJsonString());
        }

        Assert.Equal(HttpStatusCode.BadGateway, statuses[0]);
        Assert.True(statuses[^1] == HttpStatusCode.ServiceUnavailable, string.Join(",", statuses));
    }

    [Fact]
    public async Task Hostile_bodies_get_a_json_rpc_error_or_the_servers_answer_never_a_500()
    {
        using var client = edge.CreateClient();
        var text = HostileInput.AnyText.Select(HostileInput.JsonString);
        var id = Gen.OneOf(Gen.Int.Select(n => n.ToString(CultureInfo.InvariantCulture)), text, Gen.Const("null"), Gen.Const("{}"), Gen.Const("[1]"));
        var method = Gen.OneOf(Gen.Const("tools/call"), Gen.Const("tools/list"), Gen.Const("initialize"), HostileInput.Text).Select(HostileInput.JsonString);
        var tool = Gen.OneOf(Gen.OneOf(McpToolServer.ToolNames.Select(Gen.Const).ToArray()), HostileInput.AnyText).Select(HostileInput.JsonString);
        var value = Gen.OneOf(text, Gen.Int.Select(n => n.ToString(CultureInfo.InvariantCulture)), HostileInput.OddJson);
        var arguments = Gen.Select(HostileInput.Text.Select(HostileInput.JsonString), value, (name, member) => name + ":" + member)
            .Array[0, 40].Select(members => "{" + string.Join(',', members) + "}");
        var message = Gen.Select(id, Gen.Bool, method, tool, Gen.OneOf(arguments, value), (messageId, hasId, name, toolName, args) =>
            "{\"jsonrpc\":\"2.0\"," + (hasId ? "\"id\":" + messageId + "," : string.Empty)
            + "\"method\":" + name + ",\"params\":{\"name\":" + toolName + ",\"arguments\":" + args + "}}");
        var body = Gen.Frequency(
            (4, message),
            (2, message.Array[0, 14].Select(messages => "[" + string.Join(',', messages) + "]")),
            (1, HostileInput.AnyText),
            (1, HostileInput.OddJson));

        await body.SampleAsync(async sample =>
        {
            // An agent of its own for each sample, so that the tool limits refuse only what one body asks for.
            using var answer = await PostAsync(client, Token(Unique("user"), Unique("agent")), AgentTools, sample);
            var content = await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True((int)answer.StatusCode is 200 or 202 or 400 or 413 or 429, $"{(int)answer.StatusCode} for {Shorten(sample)}: {Shorten(content)}");
            if (IsRequestValidationRefusal(answer.StatusCode, content))
            {
                return;
            }

            if (answer.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.TooManyRequests)
            {
                var answered = JsonNode.Parse(content)!;
                var code = (answered is JsonArray batch ? batch[0]! : answered)["error"]?["code"];
                Assert.True(
                    code?.GetValueKind() == JsonValueKind.Number && code.GetValue<int>() is -32700 or -32600 or -32602 or -32002 or -32001,
                    $"{(int)answer.StatusCode} for {Shorten(sample)}: {Shorten(content)}");
            }
            else if (answer.StatusCode == HttpStatusCode.OK)
            {
                Assert.NotNull(JsonNode.Parse(content));
            }
        }, iter: 150);
    }

    /// <summary>
    /// Text the gateway refuses in every JSON body (NUL and other control characters, checked before any route) is the
    /// error envelope of the request validation, not a JSON-RPC error.
    /// </summary>
    private static bool IsRequestValidationRefusal(HttpStatusCode status, string content) =>
        status == HttpStatusCode.BadRequest && JsonNode.Parse(content)?["error"]?["code"] is JsonValue code
        && code.GetValueKind() == JsonValueKind.String && code.GetValue<string>() == ErrorCodes.InvalidRequest;

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A token Identity would issue for the MCP server <paramref name="server"/> (its resource as audience).</summary>
    private string Token(string subject, string clientId, string server = "agent-tools")
    {
        var payload = GatewayTokenServer.Payload(EdgeFixture.Tenant, "agents.read agents.write");
        payload["aud"] = GatewayTokenServer.Issuer + "mcp/" + server;
        payload[GatewayClaims.Subject] = subject;
        payload[GatewayClaims.ClientId] = clientId;
        return edge.Tokens.Sign(GatewayTokenServer.Header(), payload);
    }

    private static string ToolCall(string tool) =>
        new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 7, ["method"] = "tools/call", ["params"] = new JsonObject { ["name"] = tool, ["arguments"] = new JsonObject() } }.ToJsonString();

    private static string ToolsList() => """{"jsonrpc":"2.0","id":8,"method":"tools/list"}""";

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string token, string path, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task<JsonNode> CallAsync(HttpClient client, string token, string path, string body, HttpStatusCode status)
    {
        using var answer = await PostAsync(client, token, path, body);
        var content = await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(answer.StatusCode == status, $"{(int)answer.StatusCode}: {content}");
        var message = JsonNode.Parse(content)!;
        Assert.Null(message["error"]);
        return message;
    }

    /// <summary>Asserts the status and that the body is one JSON-RPC error with <paramref name="code"/>; returns the error.</summary>
    private static async Task<JsonNode> ErrorAsync(HttpResponseMessage answer, HttpStatusCode status, int code)
    {
        var content = await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(answer.StatusCode == status, $"expected {(int)status}, got {(int)answer.StatusCode}: {content}");
        var error = JsonNode.Parse(content)!["error"]!;
        Assert.Equal(code, error["code"]!.GetValue<int>());
        return error;
    }
}
