using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.TestSupport;
using ModelContextProtocol;
using ModelContextProtocol.Authentication;
using ModelContextProtocol.Client;

namespace AgentCore.Gateway.EndToEnd.Tests;

/// <summary>
/// The Edge as MCP gateway with real clients: the official C# MCP client discovers the authorization server from the
/// 401 and the RFC 9728 metadata, signs alice in through the real login and consent pages (PKCE, <c>resource</c>),
/// sees only the tools it may call and is refused the privileged one; raw JSON-RPC shows the refusals, the audience
/// check and the tenant boundary; every tool call leaves its audit record.
/// </summary>
[Collection(GatewayStackGroup.Name)]
public sealed class McpGatewayTests(GatewayStackFixture stack)
{
    private const string Server = "agent-tools";

    private Uri McpEndpoint => new(stack.EdgeAddress, "/mcp/" + Server);

    private string Resource => McpEndpoint.AbsoluteUri;

    [Fact]
    public async Task The_official_client_signs_in_lists_its_tools_creates_a_task_and_is_refused_the_privileged_tool()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var since = DateTimeOffset.UtcNow.AddSeconds(-5);
        using var signIn = new McpSignIn(stack.EdgeAddress, "alice", "Alice-Passw0rd!");
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = McpEndpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            OAuth = new ClientOAuthOptions
            {
                ClientId = "agentcore-mcp",
                RedirectUri = new Uri($"http://localhost:{FreePort.Next()}/callback"),
                Scopes = [GatewayScopes.AgentsRead, GatewayScopes.AgentsWrite],
                AuthorizationCallbackHandler = signIn.AuthorizeAsync,
            },
        });
        await using var client = await McpClient.CreateAsync(transport, cancellationToken: cancellationToken);

        var tools = await client.ListToolsAsync(cancellationToken: cancellationToken);
        Assert.Equal(["create_task", "get_task", "list_agents"], tools.Select(tool => tool.Name).Order(StringComparer.Ordinal));
        Assert.Equal(1, signIn.ConsentPagesShown);

        // Stateless Streamable HTTP: no Mcp-Session-Id ties the client to one Edge (or AgentTools) replica.
        Assert.Null(client.SessionId);

        var agents = await client.CallToolAsync("list_agents", cancellationToken: cancellationToken);
        Assert.NotEqual(true, agents.IsError);
        Assert.Contains("agent-1", Text(agents), StringComparison.Ordinal);
        Assert.DoesNotContain("agent-9", Text(agents), StringComparison.Ordinal);

        var created = await client.CallToolAsync(
            "create_task",
            new Dictionary<string, object?> { ["agent_id"] = "agent-1", ["task_type"] = "analyze", ["input_data"] = new { text = "hello" } },
            cancellationToken: cancellationToken);
        Assert.NotEqual(true, created.IsError);
        var taskId = JsonNode.Parse(Text(created))!["task_id"]!.GetValue<string>();

        // The task moves on: its events reach the platform and its state shows through the same tool server.
        var completed = await Eventually.ReachesAsync(
            async token => Text(await client.CallToolAsync("get_task", new Dictionary<string, object?> { ["agent_id"] = "agent-1", ["task_id"] = taskId }, cancellationToken: token)),
            text => text.Contains("\"completed\"", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60),
            cancellationToken);
        Assert.Contains(taskId, completed, StringComparison.Ordinal);

        var refused = await Assert.ThrowsAsync<McpProtocolException>(async () =>
            await client.CallToolAsync("cancel_all_tasks", new Dictionary<string, object?> { ["agent_id"] = "agent-1" }, cancellationToken: cancellationToken));
        Assert.Equal(-32001, (int)refused.ErrorCode);

        var trail = await ReadToolCallsAsync("agentcore-mcp", since, events => events.Count(e => Reason(e) == "completed") >= 3 && events.Any(e => Reason(e) == "missing_role"));
        var denied = trail.First(e => Reason(e) == "missing_role");
        Assert.Equal(AuditOutcomes.Denied, denied.GetProperty("outcome").GetString());
        Assert.Equal("acme", denied.GetProperty("actor").GetProperty("tenant_id").GetString());
        var details = denied.GetProperty("details");
        Assert.Equal(Server, details.GetProperty("server").GetString());
        Assert.Equal("cancel_all_tasks", details.GetProperty("tool").GetString());
        Assert.Equal("agentcore-mcp", details.GetProperty("agent").GetString());
        Assert.True(details.TryGetProperty("duration_ms", out _));
        Assert.Contains(trail, e => Reason(e) == "completed" && e.GetProperty("details").GetProperty("tool").GetString() == "create_task"
            && e.GetProperty("details").GetProperty("argument.agent_id").GetString() == "agent-1");
    }

    [Fact]
    public async Task A_request_without_a_token_learns_where_to_get_one_and_a_token_for_another_resource_is_refused()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var edge = stack.CreateEdgeClient();

        using var anonymous = await PostAsync(edge, token: null, ToolsList());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var challenge = anonymous.Headers.WwwAuthenticate.ToString();
        var metadataAddress = new Uri(stack.EdgeAddress, "/.well-known/oauth-protected-resource/mcp/" + Server);
        Assert.Contains($"resource_metadata=\"{metadataAddress.AbsoluteUri}\"", challenge, StringComparison.Ordinal);

        var metadata = JsonNode.Parse(await edge.GetStringAsync(metadataAddress, cancellationToken))!;
        Assert.Equal(Resource, metadata["resource"]!.GetValue<string>());
        var authorizationServer = metadata["authorization_servers"]![0]!.GetValue<string>();
        var serverMetadata = JsonNode.Parse(await edge.GetStringAsync(new Uri(new Uri(authorizationServer), ".well-known/oauth-authorization-server"), cancellationToken))!;
        Assert.Equal(authorizationServer, serverMetadata["issuer"]!.GetValue<string>());
        Assert.Contains("S256", serverMetadata["code_challenge_methods_supported"]!.AsArray().Select(method => method!.GetValue<string>()));

        // A token for the gateway's API (its default audience) is not a token for the MCP server: no passthrough.
        var apiToken = await PasswordTokenAsync(edge, "alice", "Alice-Passw0rd!", resource: null);
        using var wrongAudience = await PostAsync(edge, apiToken, ToolsList());
        Assert.Equal(HttpStatusCode.Unauthorized, wrongAudience.StatusCode);
        Assert.Contains("error=\"invalid_token\"", wrongAudience.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        // And the other way round: a token bound to the MCP server is refused by the API.
        var mcpToken = await PasswordTokenAsync(edge, "alice", "Alice-Passw0rd!", Resource);
        using var apiRequest = new HttpRequestMessage(HttpMethod.Get, "/api/v1/agents/agent-1/tasks/" + Guid.NewGuid());
        apiRequest.Authorize(mcpToken);
        using var apiAnswer = await edge.SendAsync(apiRequest, cancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, apiAnswer.StatusCode);
    }

    [Fact]
    public async Task Malformed_json_rpc_unknown_tools_oversized_arguments_and_batches_are_json_rpc_errors_never_500()
    {
        using var edge = stack.CreateEdgeClient();
        var token = await PasswordTokenAsync(edge, "alice", "Alice-Passw0rd!", Resource);

        await AssertErrorAsync(await PostAsync(edge, token, "{ not json"), HttpStatusCode.BadRequest, -32700);
        await AssertErrorAsync(await PostAsync(edge, token, """{"jsonrpc":"1.0","id":1,"method":"tools/list"}"""), HttpStatusCode.BadRequest, -32600);
        await AssertErrorAsync(await PostAsync(edge, token, """{"jsonrpc":"2.0","id":{"x":1},"method":"tools/list"}"""), HttpStatusCode.BadRequest, -32600);
        await AssertErrorAsync(await PostAsync(edge, token, ToolCall("no_such_tool", new JsonObject())), HttpStatusCode.OK, -32602);
        await AssertErrorAsync(await PostAsync(edge, token, """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"arguments":{}}}"""), HttpStatusCode.OK, -32602);

        var wide = new JsonObject();
        for (var index = 0; index < 40; index++)
        {
            wide["a" + index] = index;
        }

        await AssertErrorAsync(await PostAsync(edge, token, ToolCall("list_agents", wide)), HttpStatusCode.OK, -32602);
        var batch = "[" + string.Join(',', Enumerable.Range(1, 11).Select(id => $$"""{"jsonrpc":"2.0","id":{{id}},"method":"tools/list"}""")) + "]";
        await AssertErrorAsync(await PostAsync(edge, token, batch), HttpStatusCode.BadRequest, -32600);

        using var tooLarge = await PostAsync(edge, token, ToolCall("list_agents", new JsonObject { ["padding"] = new string('x', 300 * 1024) }));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
    }

    [Fact]
    public async Task Another_tenants_user_reaches_only_their_own_tenants_agents_and_the_refusal_is_audited()
    {
        using var edge = stack.CreateEdgeClient();
        var since = DateTimeOffset.UtcNow.AddSeconds(-5);
        var bobToken = await PasswordTokenAsync(edge, "bob", "Bob-Passw0rd!", Resource);

        using var answer = await PostAsync(edge, bobToken, ToolCall("create_task", new JsonObject { ["agent_id"] = "agent-1", ["task_type"] = "analyze" }));
        var message = await JsonRpcAnswerAsync(answer);
        Assert.True(message["result"]!["isError"]!.GetValue<bool>(), message.ToJsonString());
        Assert.Contains("NOT_FOUND", message.ToJsonString(), StringComparison.Ordinal);

        var trail = await ReadToolCallsAsync("agentcore-cli", since, events => events.Any(e => Reason(e) == "tool_error" && Tenant(e) == "globex"));
        Assert.Contains(trail, e => Reason(e) == "tool_error" && Tenant(e) == "globex" && e.GetProperty("outcome").GetString() == AuditOutcomes.Failure);
    }

    [Fact]
    public async Task Token_exchange_follows_its_policy_nests_act_limits_depth_and_dies_with_the_users_session()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var edge = stack.CreateEdgeClient();
        var since = DateTimeOffset.UtcNow.AddSeconds(-5);
        var (userToken, refreshToken) = await PasswordTokensAsync(edge, "alice", "Alice-Passw0rd!");

        // The orchestrator acts for alice toward the MCP server: act names it.
        var orchestrated = await ExchangeAsync(edge, "agent-orchestrator", userToken, Resource, scope: null);
        Assert.Equal(HttpStatusCode.OK, orchestrated.Status);
        var orchestratorToken = orchestrated.Body["access_token"]!.GetValue<string>();
        var claims = Payload(orchestratorToken);
        Assert.Equal(Resource, claims["aud"] is JsonArray audiences ? audiences[0]!.GetValue<string>() : claims["aud"]!.GetValue<string>());
        Assert.Equal("agent-orchestrator", claims["act"]!["sub"]!.GetValue<string>());
        Assert.True(claims["exp"]!.GetValue<long>() - claims["iat"]!.GetValue<long>() <= 300);

        // Its sub-agent acts for it in turn: act nests, the scope narrows to the sub-agent's policy.
        var researched = await ExchangeAsync(edge, "agent-researcher", orchestratorToken, Resource, scope: null);
        Assert.Equal(HttpStatusCode.OK, researched.Status);
        var researcherToken = researched.Body["access_token"]!.GetValue<string>();
        var nested = Payload(researcherToken);
        Assert.Equal("agent-researcher", nested["act"]!["sub"]!.GetValue<string>());
        Assert.Equal("agent-orchestrator", nested["act"]!["act"]!["sub"]!.GetValue<string>());
        Assert.Equal(GatewayScopes.AgentsRead, nested["scope"]!.GetValue<string>());

        // The chain is at its depth limit: the next sub-agent is refused.
        var tooDeep = await ExchangeAsync(edge, "agent-summarizer", researcherToken, Resource, scope: null);
        Assert.Equal(HttpStatusCode.BadRequest, tooDeep.Status);
        Assert.Equal("invalid_grant", tooDeep.Body["error"]!.GetValue<string>());

        // Policy: a sub-agent may not take a token from an agent it does not work for; no resource outside the policy;
        // no scope beyond it; and a client with no policy may not exchange at all.
        Assert.Equal("invalid_grant", (await ExchangeAsync(edge, "agent-summarizer", orchestratorToken, Resource, null)).Body["error"]!.GetValue<string>());
        Assert.Equal("invalid_target", (await ExchangeAsync(edge, "agent-orchestrator", userToken, resource: null, null)).Body["error"]!.GetValue<string>());
        Assert.Equal("invalid_scope", (await ExchangeAsync(edge, "agent-researcher", orchestratorToken, Resource, GatewayScopes.AgentsWrite)).Body["error"]!.GetValue<string>());
        var unauthorized = await ExchangeAsync(edge, "agentcore-service", userToken, Resource, null, "dev-service-secret");
        Assert.Equal("unauthorized_client", unauthorized.Body["error"]!.GetValue<string>());

        // At the Edge the delegated call is the user's, made by the agent: the audit trail names both.
        using (var call = await PostAsync(edge, researcherToken, ToolCall("list_agents", new JsonObject())))
        {
            var message = await JsonRpcAnswerAsync(call);
            Assert.NotEqual(true, message["result"]?["isError"]?.GetValue<bool>());
        }

        var trail = await ReadToolCallsAsync("agent-researcher", since, events => events.Any(e => Reason(e) == "completed"));
        var delegated = trail.First(e => Reason(e) == "completed");
        Assert.Equal("acme", Tenant(delegated));
        Assert.Equal("agent-researcher agent-orchestrator", delegated.GetProperty("details").GetProperty("act").GetString());
        Assert.Equal("agent-researcher", delegated.GetProperty("details").GetProperty("agent").GetString());

        // Revoking alice's session (its refresh-token family) revokes what the agents derived from it.
        using (var revoke = new FormUrlEncodedContent([new("token", refreshToken), new("client_id", "agentcore-cli")]))
        using (var revoked = await edge.PostAsync(new Uri("/connect/revoke", UriKind.Relative), revoke, cancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }

        await Eventually.ReachesAsync(
            async _ =>
            {
                using var refused = await PostAsync(edge, researcherToken, ToolsList());
                return refused.StatusCode;
            },
            status => status == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(30),
            cancellationToken);
    }

    private static string Text(ModelContextProtocol.Protocol.CallToolResult result) =>
        string.Concat(result.Content.OfType<ModelContextProtocol.Protocol.TextContentBlock>().Select(block => block.Text));

    private static string ToolsList() => """{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}""";

    private static string ToolCall(string tool, JsonObject arguments) =>
        new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = 2,
            ["method"] = "tools/call",
            ["params"] = new JsonObject { ["name"] = tool, ["arguments"] = arguments },
        }.ToJsonString();

    private async Task<HttpResponseMessage> PostAsync(HttpClient edge, string? token, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, McpEndpoint) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        if (token is not null)
        {
            request.Authorize(token);
        }

        return await edge.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>The one JSON-RPC message of an answer, whether it came as JSON or as an event stream.</summary>
    private static async Task<JsonNode> JsonRpcAnswerAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"The MCP gateway answered {(int)response.StatusCode}: {body}");
        var json = response.Content.Headers.ContentType?.MediaType == "text/event-stream"
            ? string.Join('\n', body.Split('\n').Where(line => line.StartsWith("data:", StringComparison.Ordinal)).Select(line => line[5..].Trim()).Where(line => line.Contains("\"id\"", StringComparison.Ordinal)))
            : body;
        return JsonNode.Parse(json)!;
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, int code)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
            var message = JsonNode.Parse(body)!;
            var error = message is JsonArray batch ? batch[0]!["error"]! : message["error"]!;
            Assert.Equal(code, error["code"]!.GetValue<int>());
        }
    }

    private static async Task<string> PasswordTokenAsync(HttpClient edge, string user, string password, string? resource)
    {
        List<KeyValuePair<string, string>> form =
        [
            new("grant_type", "password"), new("client_id", "agentcore-cli"), new("username", user), new("password", password),
            new("scope", "agents.read agents.write"),
        ];
        if (resource is not null)
        {
            form.Add(new("resource", resource));
        }

        using var content = new FormUrlEncodedContent(form);
        using var response = await edge.PostAsync(new Uri("/connect/token", UriKind.Relative), content, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"The token endpoint answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!["access_token"]!.GetValue<string>();
    }

    private static async Task<(string Access, string Refresh)> PasswordTokensAsync(HttpClient edge, string user, string password)
    {
        using var content = new FormUrlEncodedContent(
        [
            new("grant_type", "password"), new("client_id", "agentcore-cli"), new("username", user), new("password", password),
            new("scope", "offline_access agents.read agents.write"),
        ]);
        using var response = await edge.PostAsync(new Uri("/connect/token", UriKind.Relative), content, TestContext.Current.CancellationToken);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        return (body["access_token"]!.GetValue<string>(), body["refresh_token"]!.GetValue<string>());
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> ExchangeAsync(
        HttpClient edge, string agent, string subjectToken, string? resource, string? scope, string secret = "dev-agent-secret")
    {
        List<KeyValuePair<string, string>> form =
        [
            new("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
            new("client_id", agent), new("client_secret", secret),
            new("subject_token", subjectToken), new("subject_token_type", "urn:ietf:params:oauth:token-type:access_token"),
        ];
        if (resource is not null)
        {
            form.Add(new("resource", resource));
        }

        if (scope is not null)
        {
            form.Add(new("scope", scope));
        }

        using var content = new FormUrlEncodedContent(form);
        using var response = await edge.PostAsync(new Uri("/connect/token", UriKind.Relative), content, TestContext.Current.CancellationToken);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!);
    }

    private static JsonNode Payload(string jwt) =>
        JsonNode.Parse(Convert.FromBase64String(Pad(jwt.Split('.')[1].Replace('-', '+').Replace('_', '/'))))!;

    private static string Pad(string base64) => base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');

    private static string? Reason(JsonElement auditEvent) => auditEvent.GetProperty("reason").GetString();

    private static string? Tenant(JsonElement auditEvent) => auditEvent.GetProperty("actor").GetProperty("tenant_id").GetString();

    private async Task<IReadOnlyList<JsonElement>> ReadToolCallsAsync(string clientId, DateTimeOffset since, Func<IReadOnlyList<JsonElement>, bool> complete)
    {
        using var edge = stack.CreateEdgeClient();
        var adminToken = await StackCredentials.GetClientTokenAsync(edge, "agentcore-admin", "dev-admin-secret", GatewayScopes.AuditRead);
        return await Eventually.ReachesAsync(
            async token =>
            {
                using var request = new HttpRequestMessage(
                    HttpMethod.Get, $"/api/v1/audit/events?client_id={clientId}&from={Uri.EscapeDataString(since.ToString("O"))}&limit=200");
                request.Authorize(adminToken);
                using var response = await edge.SendAsync(request, token);
                var body = await response.Content.ReadAsStringAsync(token);
                Assert.True(response.IsSuccessStatusCode, body);
                return (IReadOnlyList<JsonElement>)[.. JsonDocument.Parse(body).RootElement.GetProperty("events").EnumerateArray()
                    .Where(e => e.GetProperty("type").GetString() == AuditEventTypes.McpToolCall).Select(e => e.Clone())];
            },
            complete,
            TimeSpan.FromSeconds(60),
            TestContext.Current.CancellationToken);
    }
}
