using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Tests.Infrastructure;

namespace AgentCore.Gateway.Realtime.Tests;

/// <summary>
/// A WebSocket client that reconnects with its resume id (<c>data.last_event_id</c> of a subscribe) is sent what it
/// missed, from whichever instance it lands on, and then the live events: each once, in stream order.
/// </summary>
[Collection(RealtimeGroup.Name)]
public sealed class WebSocketResumeTests(RealtimeFixture fixture)
{
    [Fact]
    public async Task A_client_resuming_on_the_other_instance_gets_what_it_missed_then_live_events_each_once()
    {
        await using var first = fixture.StartRealtime();
        await using var second = fixture.StartRealtime();
        var (tenant, agent) = await fixture.NewAgentAsync();
        var token = fixture.Tokens.CreateToken(tenant);
        string lastSeen;
        await using (var socket = await AgentSocket.ConnectAsync(first.BaseAddress, agent, token))
        {
            await socket.SubscribeAsync(AgentEventTypes.TaskCompleted);
            await fixture.PublishAsync(tenant, agent);
            lastSeen = EventId(await socket.ReceiveAsync())!;
        }

        string[] missed = [await fixture.PublishAsync(tenant, agent), await fixture.PublishAsync(tenant, agent, AgentEventTypes.AgentStatusChanged), await fixture.PublishAsync(tenant, agent)];
        await using var resumed = await AgentSocket.ConnectAsync(second.BaseAddress, agent, token);
        var ack = await resumed.ResumeAsync(lastSeen, AgentEventTypes.TaskCompleted);
        var live = await fixture.PublishAsync(tenant, agent);

        Assert.Equal(lastSeen, ack.GetProperty("data").GetProperty("last_event_id").GetString());
        string?[] received = [EventId(await resumed.ReceiveAsync()), EventId(await resumed.ReceiveAsync()), EventId(await resumed.ReceiveAsync())];
        Assert.Equal([missed[0], missed[2], live], received);
    }

    [Fact]
    public async Task Events_published_while_a_resume_replays_arrive_once_and_in_stream_order()
    {
        await using var server = fixture.StartRealtime();
        var (tenant, agent) = await fixture.NewAgentAsync();
        var token = fixture.Tokens.CreateToken(tenant);
        var lastSeen = await PublishBacklogAsync(tenant, agent, 300);

        // Live events keep coming while the replay of the 300 runs: the two meet somewhere, and neither may repeat the other.
        using var stop = new CancellationTokenSource();
        var publishing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await fixture.PublishAsync(tenant, agent);
                await Task.Delay(2, TestContext.Current.CancellationToken);
            }
        }, TestContext.Current.CancellationToken);
        await using var socket = await AgentSocket.ConnectAsync(server.BaseAddress, agent, token);
        await socket.ResumeAsync(lastSeen, AgentEventTypes.TaskCompleted);
        var received = new List<string>();
        for (var index = 0; index < 400; index++)
        {
            received.Add(EventId(await socket.ReceiveAsync())!);
        }

        await stop.CancelAsync();
        await publishing;
        Assert.Equal((await StreamIdsAfterAsync(lastSeen, agent)).Take(received.Count), received);
    }

    [Fact]
    public async Task After_a_resume_whose_replay_met_live_events_every_later_event_still_arrives_once()
    {
        await using var server = fixture.StartRealtime();
        var (tenant, agent) = await fixture.NewAgentAsync();
        var token = fixture.Tokens.CreateToken(tenant);
        var lastSeen = await PublishBacklogAsync(tenant, agent, 200);

        // A burst published while the replay runs (the pump queues it behind the gate), then a pause long enough for the
        // pump to stop, then a trickle: the connection must deliver all of it, each once, in stream order.
        await using var socket = await AgentSocket.ConnectAsync(server.BaseAddress, agent, token);
        var resuming = socket.ResumeAsync(lastSeen, AgentEventTypes.TaskCompleted);
        for (var index = 0; index < 50; index++)
        {
            await fixture.PublishAsync(tenant, agent);
        }

        await resuming;
        var received = new List<string>();
        for (var index = 0; index < 250; index++)
        {
            received.Add(EventId(await socket.ReceiveAsync())!);
        }

        for (var round = 0; round < 3; round++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken);
            for (var index = 0; index < 5; index++)
            {
                await fixture.PublishAsync(tenant, agent);
            }

            for (var index = 0; index < 5; index++)
            {
                received.Add(EventId(await socket.ReceiveAsync())!);
            }
        }

        Assert.Equal(await StreamIdsAfterAsync(lastSeen, agent), received);
    }

    [Theory]
    [InlineData("not-an-id")]
    [InlineData("99999999999999-0")]
    public async Task A_resume_id_that_is_malformed_or_later_than_the_stream_is_an_error_and_subscribes_nothing(string lastEventId)
    {
        await using var server = fixture.StartRealtime();
        var (tenant, agent) = await fixture.NewAgentAsync();
        await using var socket = await AgentSocket.ConnectAsync(server.BaseAddress, agent, fixture.Tokens.CreateToken(tenant));

        await socket.SendAsync("subscribe", new { events = new[] { AgentEventTypes.TaskCompleted }, last_event_id = lastEventId }, "resume-1");
        var answer = (await socket.ReceiveAsync()).Message!.Value;
        var ack = await socket.SubscribeAsync(AgentEventTypes.AgentStatusChanged);

        Assert.Equal("error", answer.GetProperty("type").GetString());
        Assert.Equal("resume-1", answer.GetProperty("request_id").GetString());
        Assert.Equal(ErrorCodes.InvalidRequest, answer.GetProperty("data").GetProperty("code").GetString());
        Assert.Equal([AgentEventTypes.AgentStatusChanged], ack.GetProperty("data").GetProperty("subscribed").EnumerateArray().Select(type => type.GetString()));
    }

    /// <summary>Publishes the event a client saw last, then <paramref name="missed"/> more; returns the first one's id.</summary>
    private async Task<string> PublishBacklogAsync(string tenant, string agent, int missed)
    {
        var lastSeen = await fixture.PublishAsync(tenant, agent);
        for (var index = 0; index < missed; index++)
        {
            await fixture.PublishAsync(tenant, agent);
        }

        return lastSeen;
    }

    /// <summary>The ids of the agent's events in the stream after <paramref name="lastSeen"/>, in stream order.</summary>
    private async Task<IEnumerable<string>> StreamIdsAfterAsync(string lastSeen, string agent)
    {
        var stream = await fixture.Redis.GetDatabase().StreamRangeAsync(StreamNames.AgentEvents, $"({lastSeen}", "+");
        return stream
            .Where(entry => entry[StreamNames.PayloadField].ToString().Contains(agent, StringComparison.Ordinal))
            .Select(entry => entry.Id.ToString());
    }

    private static string? EventId(Received received) => received.Message!.Value.GetProperty("data").GetProperty("id").GetString();
}
