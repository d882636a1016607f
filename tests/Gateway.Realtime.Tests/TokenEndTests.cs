using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Time.Testing;

namespace AgentCore.Gateway.Realtime.Tests;

/// <summary>
/// Open connections live no longer than their token: when Identity revokes it (announced through Redis) or it
/// expires, the WebSocket closes with 4401 or 4001, the event stream ends with <c>event: error</c>, and the hub
/// connection is told and aborted, each within the 5-second bound of a revocation.
/// </summary>
[Collection(RealtimeGroup.Name)]
public sealed class TokenEndTests(RealtimeFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_websocket_closes_with_4401_token_revoked_when_its_token_is_revoked()
    {
        await using var server = fixture.StartRealtime(new Dictionary<string, string?> { ["Realtime:WebSockets:HeartbeatInterval"] = "01:00:00" });
        var (tenant, agent) = await fixture.NewAgentAsync();
        await using var socket = await AgentSocket.ConnectAsync(server.BaseAddress, agent, fixture.Tokens.CreateToken(tenant));
        await socket.SubscribeAsync(AgentEventTypes.TaskCompleted);

        await fixture.AnnounceRevocationAsync(TokenRevocationKinds.Subject, "user-" + tenant);

        var closed = await socket.ReceiveAsync(Bound);
        Assert.Equal((WebSocketCloseStatus)4401, closed.CloseStatus);
        Assert.Equal("token revoked", closed.CloseReason);
    }

    [Fact]
    public async Task An_event_stream_ends_with_an_error_event_when_its_token_is_revoked()
    {
        await using var server = fixture.StartRealtime();
        var (tenant, agent) = await fixture.NewAgentAsync();
        await using var stream = await SseStream.OpenAsync(server.BaseAddress, $"?agent_id={agent}", fixture.Tokens.CreateToken(tenant));

        await fixture.AnnounceRevocationAsync(TokenRevocationKinds.Subject, "user-" + tenant);

        var error = await stream.ReadEventAsync(Bound);
        Assert.Equal("error", error.Event);
        var data = JsonDocument.Parse(error.Data!).RootElement;
        Assert.Equal(ErrorCodes.AuthenticationFailed, data.GetProperty("code").GetString());
        Assert.Equal("token revoked", data.GetProperty("message").GetString());
        await Assert.ThrowsAsync<EndOfStreamException>(() => stream.ReadAsync(Bound));
    }

    [Fact]
    public async Task An_event_stream_ends_with_an_error_event_when_its_token_expires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = fixture.StartRealtime(new Dictionary<string, string?> { ["Realtime:ServerSentEvents:HeartbeatInterval"] = "01:00:00" }, time);
        var expires = DateTimeOffset.UtcNow.AddMinutes(10);
        var (tenant, agent) = await fixture.NewAgentAsync();
        await using var stream = await SseStream.OpenAsync(server.BaseAddress, $"?agent_id={agent}", fixture.Tokens.CreateToken(tenant, expires: expires));

        time.Advance(TimeSpan.FromMinutes(11));

        var error = await stream.ReadEventAsync();
        Assert.Equal("error", error.Event);
        Assert.Equal("token expired", JsonDocument.Parse(error.Data!).RootElement.GetProperty("message").GetString());
        await Assert.ThrowsAsync<EndOfStreamException>(() => stream.ReadAsync());
    }

    [Fact]
    public async Task A_hub_connection_is_told_and_aborted_when_its_token_is_revoked()
    {
        await using var server = fixture.StartRealtime();
        var tenant = Ids.Tenant();
        await using var connection = await HubConnectionAsync(server, fixture.Tokens.CreateToken(tenant));

        await fixture.AnnounceRevocationAsync(TokenRevocationKinds.Subject, "user-" + tenant);

        await connection.AssertEndedAsync("token revoked");
    }

    [Fact]
    public async Task A_hub_connection_is_told_and_aborted_when_its_token_expires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = fixture.StartRealtime(time: time);
        var token = fixture.Tokens.CreateToken(Ids.Tenant(), expires: DateTimeOffset.UtcNow.AddMinutes(10));
        await using var connection = await HubConnectionAsync(server, token);

        time.Advance(TimeSpan.FromMinutes(11));

        await connection.AssertEndedAsync("token expired");
    }

    [Fact]
    public async Task A_revoked_token_cannot_open_a_new_connection()
    {
        await using var server = fixture.StartRealtime();
        var (tenant, agent) = await fixture.NewAgentAsync();
        var token = fixture.Tokens.CreateToken(tenant);
        await using (var before = await AgentSocket.ConnectAsync(server.BaseAddress, agent, token))
        {
            Assert.Equal(WebSocketState.Open, before.State);
        }

        await fixture.AnnounceRevocationAsync(TokenRevocationKinds.Subject, "user-" + tenant);

        using var client = server.CreateHttpClient();
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            using var stream = await SseStream.RequestAsync(client, $"?agent_id={agent}", token);
            if (stream.StatusCode == HttpStatusCode.Unauthorized)
            {
                var error = (await stream.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
                Assert.Equal("The token has been revoked.", error.GetProperty("message").GetString());
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Still {stream.StatusCode} after 5 s.");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        using var handshake = await AgentSocket.HandshakeAsync(server.BaseAddress, agent, token);
        Assert.Equal(HttpStatusCode.Unauthorized, handshake.StatusCode);
    }

    private static async Task<EndingHubConnection> HubConnectionAsync(RealtimeServer server, string token)
    {
        var connection = new EndingHubConnection(new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/hubs/agents"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build());
        await connection.Hub.StartAsync(TestContext.Current.CancellationToken);

        // The server runs invocations only once OnConnectedAsync is done, so after this round trip the token is watched.
        await connection.Hub.InvokeAsync<string[]>("Unsubscribe", "no-agent", Array.Empty<string>(), TestContext.Current.CancellationToken);
        return connection;
    }

    /// <summary>A hub connection that records the <c>error</c> messages it is told and how it closed.</summary>
    private sealed class EndingHubConnection : IAsyncDisposable
    {
        private readonly Channel<JsonElement> told = Channel.CreateUnbounded<JsonElement>();
        private readonly TaskCompletionSource<Exception?> closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public EndingHubConnection(HubConnection hub)
        {
            Hub = hub;
            hub.On<JsonElement>("error", error => told.Writer.TryWrite(error));
            hub.Closed += exception =>
            {
                closed.TrySetResult(exception);
                return Task.CompletedTask;
            };
        }

        public HubConnection Hub { get; }

        /// <summary>
        /// The close itself carries the reason. The error message comes before it, but SignalR's client runs handlers on a
        /// task of its own and raises Closed without waiting for them: a loaded client may handle it after the close.
        /// </summary>
        public async Task AssertEndedAsync(string reason)
        {
            var closedWith = await closed.Task.WaitAsync(Bound, TestContext.Current.CancellationToken);
            Assert.Contains(reason, closedWith?.Message ?? "(closed without a reason)", StringComparison.Ordinal);
            var error = await told.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Bound, TestContext.Current.CancellationToken);
            Assert.Equal(reason, error.GetProperty("message").GetString());
            Assert.Equal(HubConnectionState.Disconnected, Hub.State);
        }

        public ValueTask DisposeAsync() => Hub.DisposeAsync();
    }
}
