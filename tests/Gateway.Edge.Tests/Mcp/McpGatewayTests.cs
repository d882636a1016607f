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
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

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

        foreach (var server in new[] { McpToolServer.StreamingServer, McpToolServer.RefusingServer, McpToolServer.BrokenServer, McpToolServer.FailingServer, McpToolServer.CrashingServer, McpToolServer.OversizedServer })
        {
            web.UseSetting($"Mcp:Servers:{server}:Cluster", "agenttools");
            web.UseSetting($"Mcp:Servers:{server}:Tools:list_agents:Scopes:0", GatewayScopes.AgentsRead);
            web.UseSetting($"Mcp:Servers:{server}:Tools:create_task:Scopes:0", GatewayScopes.AgentsWrite);
        }

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
    private const string MetadataPath = "/.well-known/oauth-protected-resource/mcp/";

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

        // A refused connection reached nothing, so it is 503 with Retry-After as on any route, in JSON-RPC form. Enough
        // of them (10 at least in the failure-rate window) open the cluster's breaker: its destination turns unhealthy.
        for (var attempt = 0; attempt < 12; attempt++)
        {
            using var answer = await PostAsync(client, token, "/mcp/down-tools", ToolCall("list_agents"));
            var error = await ErrorAsync(answer, HttpStatusCode.ServiceUnavailable, -32003);
            Assert.True(answer.Headers.RetryAfter is not null, error.ToJsonString());
        }

        var proxy = edge.Services.GetRequiredService<IProxyStateLookup>();
        Assert.True(proxy.TryGetCluster("mcpdown", out var cluster));
        Assert.All(cluster.Destinations.Values, destination => Assert.Equal(DestinationHealth.Unhealthy, destination.Health.Passive));
    }

    [Fact]
    public async Task A_request_without_a_token_for_the_server_is_challenged_with_the_address_of_its_metadata()
    {
        using var client = edge.CreateClient();
        var cancellationToken = TestContext.Current.CancellationToken;

        using var anonymous = await PostAsync(client, token: null, AgentTools, ToolsList());
        var challenge = await ChallengeAsync(anonymous);
        var metadataAddress = new Uri(challenge.Split('"')[1]);
        Assert.Equal(GatewayTokenServer.Issuer + ".well-known/oauth-protected-resource/mcp/agent-tools", metadataAddress.AbsoluteUri);
        Assert.Contains("scope=\"agents.read agents.write\"", challenge, StringComparison.Ordinal);
        Assert.DoesNotContain("error=", challenge, StringComparison.Ordinal);

        var metadata = JsonNode.Parse(await client.GetStringAsync(metadataAddress.AbsolutePath, cancellationToken))!;
        Assert.Equal(GatewayTokenServer.Issuer + "mcp/agent-tools", metadata["resource"]!.GetValue<string>());
        Assert.Equal([GatewayTokenServer.Issuer], metadata["authorization_servers"]!.AsArray().Select(server => server!.GetValue<string>()));
        using var unknown = await client.GetAsync(new Uri(MetadataPath + "no-such-server", UriKind.Relative), cancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        // A token for another MCP server is not one for this server.
        using var elsewhere = await PostAsync(client, Token(Unique("user"), Unique("agent"), McpToolServer.StreamingServer), AgentTools, ToolsList());
        Assert.Contains("error=\"invalid_token\"", await ChallengeAsync(elsewhere), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tools_list_answered_as_an_event_stream_shows_only_the_callers_tools_and_keeps_the_events_fields()
    {
        using var client = edge.CreateClient();
        const string Path = "/mcp/" + McpToolServer.StreamingServer;

        var reader = await EventStreamAsync(client, Token(Unique("user"), Unique("agent"), McpToolServer.StreamingServer, GatewayScopes.AgentsRead), Path, ToolsList());
        var writer = await EventStreamAsync(client, Token(Unique("user"), Unique("agent"), McpToolServer.StreamingServer), Path, ToolsList());

        Assert.StartsWith(McpToolServer.EventFields + "data: ", reader, StringComparison.Ordinal);
        Assert.EndsWith("\n\n", reader, StringComparison.Ordinal);
        Assert.Equal(["list_agents"], ToolNames(EventData(reader)));
        Assert.Equal(["list_agents", "create_task"], ToolNames(EventData(writer)));
    }

    [Fact]
    public async Task A_tool_call_answered_as_an_event_stream_reaches_the_caller_as_the_server_sent_it()
    {
        using var client = edge.CreateClient();
        var subject = Unique("user");

        var answer = await EventStreamAsync(client, Token(subject, Unique("agent"), McpToolServer.StreamingServer), "/mcp/" + McpToolServer.StreamingServer, ToolCall("list_agents"));

        var message = EventData(answer);
        Assert.Equal(McpToolServer.EventFields + "data: " + message.ToJsonString() + "\n\n", answer);
        Assert.StartsWith(subject + " via ", message["result"]!["content"]![0]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upstream_error_envelope_becomes_one_json_rpc_error_per_request_with_its_code_and_message()
    {
        using var client = edge.CreateClient();
        var token = Token(Unique("user"), Unique("agent"), McpToolServer.RefusingServer);
        const string Path = "/mcp/" + McpToolServer.RefusingServer;

        using var single = await PostAsync(client, token, Path, ToolCall("list_agents"));
        var error = await ErrorAsync(single, HttpStatusCode.UnprocessableEntity, -32602);
        Assert.Equal(McpToolServer.RefusalMessage, error["message"]!.GetValue<string>());
        Assert.Equal(ErrorCodes.ValidationError, error["data"]!["code"]!.GetValue<string>());
        Assert.Equal(422, error["data"]!["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(error["data"]!["request_id"]!.GetValue<string>()));

        using var batch = await PostAsync(client, token, Path, "[" + ToolsList() + "," + ToolCall("list_agents") + "]");
        var answers = JsonNode.Parse(await batch.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsArray();
        Assert.Equal([8, 7], answers.Select(answer => answer!["id"]!.GetValue<int>()));
        Assert.All(answers, answer => Assert.Equal(-32602, answer!["error"]!["code"]!.GetValue<int>()));
    }

    [Theory]
    [InlineData(McpToolServer.BrokenServer, HttpStatusCode.ServiceUnavailable)]
    [InlineData(McpToolServer.OversizedServer, HttpStatusCode.BadGateway)]
    public async Task An_upstream_answer_the_gateway_cannot_read_or_hold_is_a_bad_gateway_json_rpc_error(string server, HttpStatusCode status)
    {
        using var client = edge.CreateClient();

        using var answer = await PostAsync(client, Token(Unique("user"), Unique("agent"), server), "/mcp/" + server, ToolCall("list_agents"));

        var error = await ErrorAsync(answer, status, -32003);
        Assert.Equal(7, JsonNode.Parse(await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["id"]!.GetValue<int>());
        Assert.Equal(ErrorCodes.BadGateway, error["data"]!["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(McpToolServer.FailingServer)]
    [InlineData(McpToolServer.CrashingServer)]
    public async Task An_upstream_that_fails_with_a_500_is_a_bad_gateway_json_rpc_error_never_a_500(string server)
    {
        using var client = edge.CreateClient();

        using var answer = await PostAsync(client, Token(Unique("user"), Unique("agent"), server), "/mcp/" + server, ToolCall("list_agents"));

        var error = await ErrorAsync(answer, HttpStatusCode.BadGateway, -32003);
        Assert.Equal(7, JsonNode.Parse(await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["id"]!.GetValue<int>());
        Assert.Equal(ErrorCodes.BadGateway, error["data"]!["code"]!.GetValue<string>());
        Assert.Equal(502, error["data"]!["status"]!.GetValue<int>());
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
    private string Token(string subject, string clientId, string server = "agent-tools", string scopes = "agents.read agents.write")
    {
        var payload = GatewayTokenServer.Payload(EdgeFixture.Tenant, scopes);
        payload["aud"] = GatewayTokenServer.Issuer + "mcp/" + server;
        payload[GatewayClaims.Subject] = subject;
        payload[GatewayClaims.ClientId] = clientId;
        return edge.Tokens.Sign(GatewayTokenServer.Header(), payload);
    }

    private static string ToolCall(string tool) =>
        new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 7, ["method"] = "tools/call", ["params"] = new JsonObject { ["name"] = tool, ["arguments"] = new JsonObject() } }.ToJsonString();

    private static string ToolsList() => """{"jsonrpc":"2.0","id":8,"method":"tools/list"}""";

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string? token, string path, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

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

    /// <summary>The <c>WWW-Authenticate</c> challenge of a 401 that carries the gateway's envelope.</summary>
    private static async Task<string> ChallengeAsync(HttpResponseMessage answer)
    {
        var content = await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(answer.StatusCode == HttpStatusCode.Unauthorized, $"{(int)answer.StatusCode}: {content}");
        Assert.Equal(ErrorCodes.AuthenticationFailed, JsonNode.Parse(content)!["error"]!["code"]!.GetValue<string>());
        var challenge = answer.Headers.WwwAuthenticate.ToString();
        Assert.StartsWith("Bearer resource_metadata=\"", challenge, StringComparison.Ordinal);
        return challenge;
    }

    /// <summary>The body of a 200 answer that must be a <c>text/event-stream</c>.</summary>
    private static async Task<string> EventStreamAsync(HttpClient client, string token, string path, string body)
    {
        using var answer = await PostAsync(client, token, path, body);
        var content = await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{(int)answer.StatusCode}: {content}");
        Assert.Equal("text/event-stream", answer.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Encoding.UTF8.GetByteCount(content), answer.Content.Headers.ContentLength);
        return content;
    }

    /// <summary>The JSON message of the one event in <paramref name="eventStream"/>.</summary>
    private static JsonNode EventData(string eventStream) =>
        JsonNode.Parse(eventStream.Split('\n').Single(line => line.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..])!;

    private static IEnumerable<string> ToolNames(JsonNode message) =>
        message["result"]!["tools"]!.AsArray().Select(tool => tool!["name"]!.GetValue<string>());

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
