using System.Net;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Tests.Infrastructure;

namespace AgentCore.Gateway.Realtime.Tests;

/// <summary>Every refusal happens before the upgrade, as plain HTTP with the error envelope.</summary>
[Collection(RealtimeGroup.Name)]
public sealed class WebSocketAuthorizationTests(RealtimeFixture fixture)
{
    [Fact]
    public async Task Handshake_without_a_token_is_refused_with_401_before_the_upgrade()
    {
        await using var server = fixture.StartRealtime();

        using var response = await AgentSocket.HandshakeAsync(server.BaseAddress, Ids.Agent(), bearer: null);

        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed);
    }

    [Fact]
    public async Task Handshake_with_a_token_signed_by_another_key_is_refused_with_401()
    {
        await using var server = fixture.StartRealtime();
        var forged = fixture.Tokens.CreateToken(Ids.Tenant(), signedByStranger: true);

        using var response = await AgentSocket.HandshakeAsync(server.BaseAddress, Ids.Agent(), forged);

        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed);
    }

    [Fact]
    public async Task Handshake_with_a_forged_query_token_is_refused_with_401()
    {
        await using var server = fixture.StartRealtime();

        using var response = await AgentSocket.HandshakeAsync(server.BaseAddress, Ids.Agent(), bearer: null, queryToken: fixture.Tokens.CreateToken(Ids.Tenant(), signedByStranger: true));

        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed);
    }

    [Fact]
    public async Task Handshake_without_the_events_read_scope_is_refused_with_403()
    {
        await using var server = fixture.StartRealtime();
        var token = fixture.Tokens.CreateToken(Ids.Tenant(), scope: GatewayScopes.AgentsRead);

        using var response = await AgentSocket.HandshakeAsync(server.BaseAddress, Ids.Agent(), token);

        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, ErrorCodes.AuthorizationDenied);
    }

    [Fact]
    public async Task Handshake_for_an_agent_of_another_tenant_is_refused_with_404_like_an_unknown_one()
    {
        await using var server = fixture.StartRealtime();
        var (_, agent) = await fixture.NewAgentAsync();

        using var response = await AgentSocket.HandshakeAsync(server.BaseAddress, agent, fixture.Tokens.CreateToken(Ids.Tenant()));

        await AssertRefusedAsync(response, HttpStatusCode.NotFound, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task Handshake_for_an_agent_the_directory_does_not_know_is_refused_with_404_even_after_its_events()
    {
        await using var server = fixture.StartRealtime();
        var (tenant, agent) = (Ids.Tenant(), Ids.Agent());
        await fixture.PublishAsync(tenant, agent);

        using var response = await AgentSocket.HandshakeAsync(server.BaseAddress, agent, fixture.Tokens.CreateToken(tenant));

        await AssertRefusedAsync(response, HttpStatusCode.NotFound, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task Handshake_from_an_origin_that_is_not_allowed_is_refused_with_403()
    {
        await using var server = fixture.StartRealtime();

        using var response = await AgentSocket.HandshakeAsync(server.BaseAddress, Ids.Agent(), fixture.Tokens.CreateToken(Ids.Tenant()), origin: "https://evil.example");

        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, ErrorCodes.AuthorizationDenied);
    }

    [Fact]
    public async Task Handshake_past_the_connection_limit_is_refused_with_503_and_the_open_one_keeps_working()
    {
        await using var server = fixture.StartRealtime(new Dictionary<string, string?> { ["Realtime:WebSockets:MaxConnections"] = "1" });
        var (tenant, agent) = await fixture.NewAgentAsync();
        var token = fixture.Tokens.CreateToken(tenant);
        await using var first = await AgentSocket.ConnectAsync(server.BaseAddress, agent, token);

        using var response = await AgentSocket.HandshakeAsync(server.BaseAddress, agent, token);

        await AssertRefusedAsync(response, HttpStatusCode.ServiceUnavailable, ErrorCodes.ServiceUnavailable);
        await first.SubscribeAsync(AgentEventTypes.TaskCompleted);
    }

    [Fact]
    public async Task Handshake_with_the_token_in_the_access_token_query_parameter_is_accepted()
    {
        await using var server = fixture.StartRealtime();
        var (tenant, agent) = await fixture.NewAgentAsync();

        await using var socket = await AgentSocket.ConnectAsync(server.BaseAddress, agent, fixture.Tokens.CreateToken(tenant), tokenInQuery: true);
        await socket.SubscribeAsync(AgentEventTypes.TaskCompleted);
        var published = await fixture.PublishAsync(tenant, agent);

        var received = await socket.ReceiveAsync();
        Assert.Equal(published, received.Message!.Value.GetProperty("data").GetProperty("id").GetString());
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        var envelope = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(code, envelope.GetProperty("error").GetProperty("code").GetString());
        Assert.False(response.Headers.Contains("Sec-WebSocket-Accept"));
    }
}
