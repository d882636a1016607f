using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.TestSupport;

namespace AgentCore.Gateway.Edge.Tests;

/// <summary>
/// Browsers cannot set headers on a WebSocket or an EventSource, so those two routes may carry the access token in
/// the query; every other request must use a header, so a token in a URL is never accepted where it need not be. Which
/// routes those are is the routes' own setting, never what a request says about itself.
/// </summary>
public sealed class QueryTokenTests(EdgeFixture edge) : IClassFixture<EdgeFixture>
{
    private const string StreamPath = "/api/v1/events/stream?agent_id=agent-1";

    [Fact]
    public async Task An_event_stream_request_with_the_token_in_the_query_reaches_the_backend_as_the_tokens_caller()
    {
        using var client = edge.CreateClient();

        using var response = await client.SendAsync(EventStreamRequest($"{StreamPath}&access_token={edge.ValidToken()}"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(EdgeFixture.Tenant, echo.GetProperty("tenant").GetString());
    }

    [Fact]
    public async Task A_WebSocket_upgrade_with_the_token_in_the_query_passes_the_edge()
    {
        // The stand-in backend answers 200 rather than switching protocols: a 200 proves the Edge let the upgrade through.
        Assert.Equal(HttpStatusCode.OK, await UpgradeStatusAsync($"access_token={edge.ValidToken()}"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("access_token=not-a-token")]
    public async Task A_WebSocket_upgrade_without_a_valid_token_is_refused_at_the_edge(string query)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await UpgradeStatusAsync(query));
    }

    [Fact]
    public async Task A_WebSocket_upgrade_with_a_token_lacking_events_read_is_refused_at_the_edge()
    {
        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeStatusAsync($"access_token={edge.ValidToken("agents.read")}"));
    }

    [Fact]
    public async Task The_token_in_the_query_of_an_ordinary_request_is_not_accepted()
    {
        using var client = edge.CreateClient();

        using var response = await client.GetAsync($"/api/v1/agents/agent-1/tasks?access_token={edge.ValidToken()}", TestContext.Current.CancellationToken);

        await Envelope.AssertAsync(response, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed);
    }

    [Fact]
    public async Task A_token_in_the_query_and_another_in_the_header_are_refused()
    {
        using var client = edge.CreateClient();
        using var request = EventStreamRequest($"{StreamPath}&access_token={edge.ValidToken()}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", edge.ValidToken());

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await Envelope.AssertAsync(response, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed);
    }

    [Fact]
    public async Task A_query_token_travels_on_as_an_authorization_header_and_leaves_the_url()
    {
        var token = edge.ValidToken();
        using var client = edge.CreateClient();

        using var response = await client.SendAsync(EventStreamRequest($"{StreamPath}&access_token={token}&types=task.completed"), TestContext.Current.CancellationToken);

        var echo = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("Bearer " + token, echo.GetProperty("authorization").GetString());
        Assert.Equal("?agent_id=agent-1&types=task.completed", echo.GetProperty("query").GetString());
    }

    [Fact]
    public async Task A_rest_read_that_says_it_wants_an_event_stream_does_not_accept_a_query_token()
    {
        using var client = edge.CreateClient();

        using var response = await client.SendAsync(EventStreamRequest($"/api/v1/agents/agent-1/tasks/task-1?access_token={edge.ValidToken()}"), TestContext.Current.CancellationToken);

        await Envelope.AssertAsync(response, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed);
    }

    [Fact]
    public async Task A_rest_read_that_asks_for_a_websocket_upgrade_does_not_accept_a_query_token()
    {
        var (status, response) = await RawHttp.SendAsync(
            edge.BaseAddress,
            $"GET /api/v1/agents/agent-1/tasks/task-1?access_token={edge.ValidToken()} HTTP/1.1\nHost: {edge.BaseAddress.Authority}\n"
            + "Connection: Upgrade\nUpgrade: websocket\nSec-WebSocket-Version: 13\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\n\n",
            TestContext.Current.CancellationToken);

        Assert.True(status == (int)HttpStatusCode.Unauthorized, response);
    }

    private static HttpRequestMessage EventStreamRequest(string pathAndQuery)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return request;
    }

    private async Task<HttpStatusCode> UpgradeStatusAsync(string query)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        var address = new UriBuilder(edge.BaseAddress) { Scheme = "ws", Path = "/ws/agents/agent-1", Query = query }.Uri;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(address, TestContext.Current.CancellationToken));
        return socket.HttpStatusCode;
    }
}
