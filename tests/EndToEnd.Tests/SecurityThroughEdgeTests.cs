using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using AgentCore.Gateway.Authentication.EdgeTrust;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Tests.Infrastructure;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AgentCore.Gateway.EndToEnd.Tests;

/// <summary>
/// The stack's trust boundary as a client and an attacker meet it: revocation takes effect within 5 s at the Edge,
/// Realtime and Audit alike and ends open connections; backends answer only the Edge; the Edge answers only its own
/// host names; probes and metrics are off the public port.
/// </summary>
[Collection(GatewayStackGroup.Name)]
public sealed class SecurityThroughEdgeTests(GatewayStackFixture stack)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_revoked_token_is_refused_within_5_s_by_the_edge_realtime_and_audit_and_its_connections_end()
    {
        using var edge = stack.CreateEdgeClient();
        var service = await StackCredentials.GetServiceTokenAsync(edge, GatewayScopes.AgentsRead + " " + GatewayScopes.EventsRead);
        var admin = await StackCredentials.GetClientTokenAsync(edge, "agentcore-admin", "dev-admin-secret", GatewayScopes.AuditRead);
        using var realtime = await SignedClientAsync(ServiceNames.Realtime);
        using var audit = await SignedClientAsync(ServiceNames.Audit);
        await using var socket = await AgentSocket.ConnectAsync(stack.EdgeAddress, "agent-1", service);
        await socket.SubscribeAsync(AgentEventTypes.TaskCompleted);
        await using var stream = await SseStream.OpenAsync(stack.EdgeAddress, "?agent_id=agent-1", service);
        Assert.NotEqual(HttpStatusCode.Unauthorized, await StatusAsync(edge, HttpMethod.Get, "/api/v1/agents/agent-1/tasks/unknown", service));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(audit, HttpMethod.Get, "/api/v1/audit/events?limit=1", admin));

        await RevokeAsync(edge, service, "agentcore-service", "dev-service-secret");
        await RevokeAsync(edge, admin, "agentcore-admin", "dev-admin-secret");

        Received closed;
        do
        {
            closed = await socket.ReceiveAsync(Bound);
        }
        while (closed.CloseStatus is null);

        Assert.Equal((WebSocketCloseStatus)4401, closed.CloseStatus);
        var ended = await stream.ReadEventAsync(Bound);
        Assert.Equal("error", ended.Event);
        Assert.Equal("token revoked", JsonDocument.Parse(ended.Data!).RootElement.GetProperty("message").GetString());
        await RefusedWithinBoundAsync(edge, "/api/v1/agents/agent-1/tasks/unknown", service);
        await RefusedWithinBoundAsync(realtime, "/api/v1/events/stream?agent_id=agent-1", service);
        await RefusedWithinBoundAsync(audit, "/api/v1/audit/events?limit=1", admin);
    }

    [Fact]
    public async Task Reusing_a_refresh_token_kills_the_access_tokens_of_its_family_within_5_s()
    {
        using var edge = stack.CreateEdgeClient();
        var login = await PasswordGrantAsync(edge);
        using var rotated = await TokenAsync(edge, ("grant_type", "refresh_token"), ("client_id", "agentcore-cli"), ("refresh_token", login.Refresh));
        var newest = JsonDocument.Parse(await rotated.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("access_token").GetString()!;
        Assert.NotEqual(HttpStatusCode.Unauthorized, await StatusAsync(edge, HttpMethod.Get, "/api/v1/agents/agent-1/tasks/unknown", newest));

        using var replay = await TokenAsync(edge, ("grant_type", "refresh_token"), ("client_id", "agentcore-cli"), ("refresh_token", login.Refresh));

        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        await RefusedWithinBoundAsync(edge, "/api/v1/agents/agent-1/tasks/unknown", newest);
        await RefusedWithinBoundAsync(edge, "/api/v1/agents/agent-1/tasks/unknown", login.Access);
    }

    [Fact]
    public async Task An_admin_signs_a_user_out_everywhere_through_the_edge()
    {
        using var edge = stack.CreateEdgeClient();
        var login = await PasswordGrantAsync(edge);
        var subject = new JsonWebToken(login.Access).Subject;
        var admin = await StackCredentials.GetClientTokenAsync(edge, "agentcore-admin", "dev-admin-secret", GatewayScopes.GatewayAdmin);

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(edge, HttpMethod.Post, $"/api/v1/auth/subjects/{subject}/sign-out", admin));

        await RefusedWithinBoundAsync(edge, "/api/v1/agents/agent-1/tasks/unknown", login.Access);
        using var refresh = await TokenAsync(edge, ("grant_type", "refresh_token"), ("client_id", "agentcore-cli"), ("refresh_token", login.Refresh));
        Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);

        // Tokens issued in the very second of the sign-out count as before it; a sign-in after it is unaffected.
        await Task.Delay(TimeSpan.FromSeconds(1.1), TestContext.Current.CancellationToken);
        var again = await PasswordGrantAsync(edge);
        Assert.NotEqual(HttpStatusCode.Unauthorized, await StatusAsync(edge, HttpMethod.Get, "/api/v1/agents/agent-1/tasks/unknown", again.Access));
    }

    [Theory]
    [InlineData(ServiceNames.Identity, "/.well-known/openid-configuration")]
    [InlineData(ServiceNames.Realtime, "/api/v1/events/stream")]
    [InlineData(ServiceNames.Audit, "/api/v1/audit/events")]
    [InlineData(ServiceNames.AgentRuntime, "/api/v1/agents/agent-1/tasks/unknown")]
    public async Task A_backend_called_around_the_edge_answers_401_and_its_probes_answer_only_on_the_management_port(string backend, string path)
    {
        using var direct = new HttpClient { BaseAddress = stack.App.GetEndpoint(backend, "http") };
        using var management = new HttpClient { BaseAddress = stack.App.GetEndpoint(backend, "management") };

        using var refused = await direct.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        using var probeOnServicePort = await direct.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);
        using var probe = await management.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(ErrorCodes.AuthenticationFailed, (await ErrorEnvelope.ErrorOf(refused)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, probeOnServicePort.StatusCode);
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
    }

    [Fact]
    public async Task Metrics_and_probes_are_absent_from_the_public_port_and_served_on_the_edges_management_port()
    {
        using var edge = stack.CreateEdgeClient();
        using var management = new HttpClient { BaseAddress = stack.App.GetEndpoint(ServiceNames.Edge, "management") };

        foreach (var path in new[] { "/metrics", "/health", "/alive", "/ready" })
        {
            using var response = await edge.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        var metrics = await management.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Contains("# TYPE", metrics, StringComparison.Ordinal);
        using var health = await edge.GetAsync(new Uri("/api/v1/health", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.NotEqual(HttpStatusCode.NotFound, health.StatusCode);
    }

    [Fact]
    public async Task A_foreign_host_is_refused_and_the_login_redirect_names_the_public_host()
    {
        using var edge = stack.CreateEdgeClient();
        const string Authorize = "/connect/authorize?client_id=agentcore-cli&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcallback&scope=agents.read&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256";
        using var foreign = new HttpRequestMessage(HttpMethod.Get, Authorize);
        foreign.Headers.Host = "evil.example";
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, Authorize);
        spoofed.Headers.Add("X-Forwarded-Host", "evil.example");

        using var refused = await edge.SendAsync(foreign, TestContext.Current.CancellationToken);
        using var redirected = await edge.SendAsync(spoofed, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(ErrorCodes.InvalidRequest, (await ErrorEnvelope.ErrorOf(refused)).GetProperty("code").GetString());
        var login = redirected.RequestMessage!.RequestUri!;
        Assert.Equal(stack.EdgeAddress.Authority, login.Authority);
        Assert.Equal("/connect/login", login.AbsolutePath);
    }

    /// <summary>An HttpClient to a backend's own port that signs as the Edge does, with the stack's trust key.</summary>
    private async Task<HttpClient> SignedClientAsync(string backend)
    {
        var model = stack.App.Services.GetRequiredService<DistributedApplicationModel>();
        var key = await model.Resources.OfType<ParameterResource>().Single(parameter => parameter.Name == "edge-trust-key")
            .GetValueAsync(TestContext.Current.CancellationToken);
        var signer = new EdgeSigningHandler(Encoding.UTF8.GetBytes(key!), TimeProvider.System) { InnerHandler = new SocketsHttpHandler() };
        return new HttpClient(signer) { BaseAddress = stack.App.GetEndpoint(backend, "http") };
    }

    private static async Task RevokeAsync(HttpClient edge, string token, string clientId, string secret)
    {
        using var response = await edge.PostAsync(
            new Uri("/connect/revoke", UriKind.Relative),
            new FormUrlEncodedContent([new("token", token), new("client_id", clientId), new("client_secret", secret)]),
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task RefusedWithinBoundAsync(HttpClient client, string path, string token)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Authorize(token);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                Assert.Equal("The token has been revoked.", (await ErrorEnvelope.ErrorOf(response)).GetProperty("message").GetString());
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{client.BaseAddress}{path} still answered {(int)response.StatusCode} 5 s after the revocation.");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, HttpMethod method, string path, string token)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Authorize(token);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    private static async Task<(string Access, string Refresh)> PasswordGrantAsync(HttpClient edge)
    {
        using var response = await TokenAsync(edge, ("grant_type", "password"), ("client_id", "agentcore-cli"), ("username", "alice"),
            ("password", "Alice-Passw0rd!"), ("scope", "offline_access agents.read"));
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, body);
        var json = JsonDocument.Parse(body).RootElement;
        return (json.GetProperty("access_token").GetString()!, json.GetProperty("refresh_token").GetString()!);
    }

    private static Task<HttpResponseMessage> TokenAsync(HttpClient edge, params (string Name, string Value)[] fields) =>
        edge.PostAsync(new Uri("/api/v1/auth/token", UriKind.Relative), new FormUrlEncodedContent(fields.Select(field => new KeyValuePair<string, string>(field.Name, field.Value))), TestContext.Current.CancellationToken);
}
