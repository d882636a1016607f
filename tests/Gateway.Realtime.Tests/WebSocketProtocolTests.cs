using System.Net.WebSockets;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Streaming;
using AgentCore.Gateway.Realtime.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgentCore.Gateway.Realtime.Tests;

[Collection(RealtimeGroup.Name)]
public sealed class WebSocketProtocolTests(RealtimeFixture fixture)
{
    [Fact]
    public async Task Subscriber_receives_only_its_agents_subscribed_events_of_its_tenant()
    {
        await using var server = fixture.StartRealtime();
        var ((tenant, agent), otherTenant) = (await fixture.NewAgentAsync(), Ids.Tenant());
        await using var socket = await AgentSocket.ConnectAsync(server.BaseAddress, agent, fixture.Tokens.CreateToken(tenant));
        var ack = await socket.SubscribeAsync(AgentEventTypes.TaskCompleted);
        Assert.Equal([AgentEventTypes.TaskCompleted], ack.GetProperty("data").GetProperty("subscribed").EnumerateArray().Select(type => type.GetString()));

        await fixture.PublishAsync(otherTenant, agent);
        await fixture.PublishAsync(tenant, Ids.Agent());
        await fixture.PublishAsync(tenant, agent, AgentEventTypes.AgentStatusChanged);
        var expected = await fixture.PublishAsync(tenant, agent, AgentEventTypes.TaskCompleted, new { task_id = "t-1", status = "completed" });

        var received = (await socket.ReceiveAsync()).Message!.Value;
        Assert.Equal("event", received.GetProperty("type").GetString());
        var data = received.GetProperty("data");
        Assert.Equal(expected, data.GetProperty("id").GetString());
        Assert.Equal(AgentEventTypes.TaskCompleted, data.GetProperty("event").GetProperty("type").GetString());
        Assert.Equal("t-1", data.GetProperty("event").GetProperty("data").GetProperty("task_id").GetString());
        Assert.True(received.TryGetProperty("timestamp", out _));
        Assert.True(received.TryGetProperty("request_id", out _));
    }

    [Fact]
    public async Task Unsubscribe_is_acknowledged_and_stops_that_event_type()
    {
        await using var server = fixture.StartRealtime();
        var (tenant, agent) = await fixture.NewAgentAsync();
        await using var socket = await AgentSocket.ConnectAsync(server.BaseAddress, agent, fixture.Tokens.CreateToken(tenant));
        await socket.SubscribeAsync(AgentEventTypes.TaskCompleted, AgentEventTypes.AgentStatusChanged);

        await socket.SendAsync("unsubscribe", new { events = new[] { AgentEventTypes.TaskCompleted } }, "unsub-1");
        var ack = (await socket.ReceiveAsync()).Message!.Value;
        Assert.Equal("ack", ack.GetProperty("type").GetString());
        Assert.Equal("unsub-1", ack.GetProperty("request_id").GetString());
        await fixture.PublishAsync(tenant, agent, AgentEventTypes.TaskCompleted);
        var expected = await fixture.PublishAsync(tenant, agent, AgentEventTypes.AgentStatusChanged);

        var received = (await socket.ReceiveAsync()).Message!.Value;
        Assert.Equal(expected, received.GetProperty("data").GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"type":"dance","request_id":"r-1"}""")]
    [InlineData("""{"type":"subscribe","request_id":"r-2","data":{"events":["task.exploded"]}}""")]
    [InlineData("""{"type":"subscribe","request_id":"r-3"}""")]
    public async Task Bad_message_gets_an_error_reply_and_the_connection_carries_on(string message)
    {
        await using var server = fixture.StartRealtime();
        var (tenant, agent) = await fixture.NewAgentAsync();
        await using var socket = await AgentSocket.ConnectAsync(server.BaseAddress, agent, fixture.Tokens.CreateToken(tenant));

        await socket.SendTextAsync(message);

        var error = await socket.ReceiveAsync();
        Assert.Equal("error", error.Type);
        Assert.Equal(ErrorCodes.InvalidRequest, error.Message!.Value.GetProperty("data").GetProperty("code").GetString());
        await socket.SubscribeAsync(AgentEventTypes.TaskCompleted);
    }

    [Fact]
    public async Task Message_above_the_size_limit_closes_the_connection_with_1009()
    {
        await using var server = fixture.StartRealtime(new Dictionary<string, string?> { ["Realtime:WebSockets:MaxMessageBytes"] = "256" });
        var (tenant, agent) = await fixture.NewAgentAsync();
        await using var socket = await AgentSocket.ConnectAsync(server.BaseAddress, agent, fixture.Tokens.CreateToken(tenant));

        await socket.SendAsync("subscribe", new { events = Enumerable.Repeat(AgentEventTypes.TaskCompleted, 40) });

        var (close, _) = await socket.ReadUntilClosedAsync();
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, close.CloseStatus);
    }

    [Fact]
    public async Task Slow_consumer_is_cut_off_with_4003_instead_of_being_buffered()
    {
        const int queueCapacity = 4;
        const int published = 200;
        await using var server = fixture.StartRealtime(new Dictionary<string, string?> { ["Realtime:WebSockets:SendQueueCapacity"] = queueCapacity.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var (tenant, agent) = await fixture.NewAgentAsync();
        await using var socket = await AgentSocket.ConnectAsync(server.BaseAddress, agent, fixture.Tokens.CreateToken(tenant));
        await socket.SubscribeAsync(AgentEventTypes.TaskCompleted);
        var fanOut = server.Services.GetRequiredService<EventFanOut>();

        // Large events fill the socket buffers quickly while the client reads nothing.
        var bulk = new string('x', 64 * 1024);
        for (var index = 0; index < published && fanOut.Count > 0; index++)
        {
            await fixture.PublishAsync(tenant, agent, data: new { index, bulk });
        }

        await WaitUntilAsync(() => fanOut.Count == 0);
        var (close, events) = await socket.ReadUntilClosedAsync();
        Assert.Equal((WebSocketCloseStatus)4003, close.CloseStatus);
        Assert.Equal("slow consumer", close.CloseReason);
        Assert.True(events < published, $"The client got all {events} events although it was cut off.");
    }

    [Fact]
    public async Task Heartbeats_are_sent_every_interval_and_a_silent_client_is_closed_with_4002()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = fixture.StartRealtime(
            new Dictionary<string, string?> { ["Realtime:WebSockets:HeartbeatInterval"] = "00:00:30", ["Realtime:WebSockets:HeartbeatTimeout"] = "00:01:00" },
            time);
        var (tenant, agent) = await fixture.NewAgentAsync();
        await using var socket = await AgentSocket.ConnectAsync(server.BaseAddress, agent, fixture.Tokens.CreateToken(tenant));

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("heartbeat", (await socket.ReceiveAsync()).Type);

        // The client answers; the acknowledged subscribe proves the server has read the answer before time moves on.
        await socket.SendAsync("heartbeat");
        await socket.SubscribeAsync(AgentEventTypes.TaskCompleted);
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("heartbeat", (await socket.ReceiveAsync()).Type);

        // No answer to that one: at the next beat the client has been silent for the whole timeout.
        time.Advance(TimeSpan.FromSeconds(30));
        var (close, _) = await socket.ReadUntilClosedAsync();
        Assert.Equal((WebSocketCloseStatus)4002, close.CloseStatus);
        Assert.Equal("heartbeat timeout", close.CloseReason);
    }

    [Fact]
    public async Task Connections_opened_together_get_their_first_heartbeat_spread_over_the_second_half_of_the_interval()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = fixture.StartRealtime(new Dictionary<string, string?> { ["Realtime:WebSockets:HeartbeatInterval"] = "00:00:30" }, time);
        var (tenant, agent) = await fixture.NewAgentAsync();
        var sockets = new List<AgentSocket>();
        try
        {
            for (var index = 0; index < 6; index++)
            {
                sockets.Add(await AgentSocket.ConnectAsync(server.BaseAddress, agent, fixture.Tokens.CreateToken(tenant)));
            }

            // Second by second: a heartbeat due in a tick is sent during Advance, so it comes before the answer to a
            // subscribe sent afterwards; the first message after the subscribe tells whether the socket has had its beat.
            var firstBeatAt = new int?[sockets.Count];
            for (var second = 1; second <= 30; second++)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                for (var index = 0; index < sockets.Count; index++)
                {
                    if (firstBeatAt[index] is not null)
                    {
                        continue;
                    }

                    await sockets[index].SendAsync("subscribe", new { events = new[] { AgentEventTypes.TaskCompleted } });
                    var first = await sockets[index].ReceiveAsync();
                    if (first.Type == "heartbeat")
                    {
                        firstBeatAt[index] = second;
                        first = await sockets[index].ReceiveAsync();
                    }

                    Assert.Equal("ack", first.Type);
                }
            }

            Assert.All(firstBeatAt, beat => Assert.InRange(beat ?? 0, 15, 30));
            Assert.True(firstBeatAt.Distinct().Count() > 1, $"Every connection beat at the same second ({firstBeatAt[0]}).");
        }
        finally
        {
            foreach (var socket in sockets)
            {
                await socket.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Connection_closes_with_4001_when_the_token_expires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = fixture.StartRealtime(new Dictionary<string, string?> { ["Realtime:WebSockets:HeartbeatInterval"] = "01:00:00" }, time);
        var expires = DateTimeOffset.UtcNow.AddMinutes(10);
        var (tenant, agent) = await fixture.NewAgentAsync();
        await using var socket = await AgentSocket.ConnectAsync(server.BaseAddress, agent, fixture.Tokens.CreateToken(tenant, expires: expires));
        await socket.SubscribeAsync(AgentEventTypes.TaskCompleted);

        time.Advance(TimeSpan.FromMinutes(9));
        await socket.SubscribeAsync(AgentEventTypes.AgentStatusChanged);
        time.Advance(TimeSpan.FromMinutes(2));

        var (close, _) = await socket.ReadUntilClosedAsync();
        Assert.Equal((WebSocketCloseStatus)4001, close.CloseStatus);
        Assert.Equal("token expired", close.CloseReason);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var attempt = 0; attempt < 300 && !condition(); attempt++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.True(condition(), "The server never reached the expected state.");
    }
}
