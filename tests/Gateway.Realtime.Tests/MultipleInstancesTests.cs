using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Tests.Infrastructure;

namespace AgentCore.Gateway.Realtime.Tests;

/// <summary>Two Realtime instances on one Redis, as behind the Edge's load balancer.</summary>
[Collection(RealtimeGroup.Name)]
public sealed class MultipleInstancesTests(RealtimeFixture fixture)
{
    [Fact]
    public async Task One_published_event_reaches_every_subscriber_on_every_instance_exactly_once()
    {
        await using var first = fixture.StartRealtime();
        await using var second = fixture.StartRealtime();
        var (tenant, agent) = await fixture.NewAgentAsync();
        var token = fixture.Tokens.CreateToken(tenant);
        await using var socketOnFirst = await AgentSocket.ConnectAsync(first.BaseAddress, agent, token);
        await using var socketOnSecond = await AgentSocket.ConnectAsync(second.BaseAddress, agent, token);
        await socketOnFirst.SubscribeAsync(AgentEventTypes.TaskCompleted);
        await socketOnSecond.SubscribeAsync(AgentEventTypes.TaskCompleted);
        await using var streamOnFirst = await SseStream.OpenAsync(first.BaseAddress, $"?agent_id={agent}", token);
        await using var streamOnSecond = await SseStream.OpenAsync(second.BaseAddress, $"?agent_id={agent}", token);

        var published = await fixture.PublishAsync(tenant, agent);
        var marker = await fixture.PublishAsync(tenant, agent);

        // Each subscriber sees the event, and next the marker: a duplicate would come in between.
        foreach (var socket in new[] { socketOnFirst, socketOnSecond })
        {
            Assert.Equal(published, EventId(await socket.ReceiveAsync()));
            Assert.Equal(marker, EventId(await socket.ReceiveAsync()));
        }

        foreach (var stream in new[] { streamOnFirst, streamOnSecond })
        {
            Assert.Equal(published, (await stream.ReadEventAsync()).Id);
            Assert.Equal(marker, (await stream.ReadEventAsync()).Id);
        }
    }

    [Fact]
    public async Task Stream_reconnecting_to_the_other_instance_replays_what_it_missed()
    {
        await using var first = fixture.StartRealtime();
        await using var second = fixture.StartRealtime();
        var (tenant, agent) = await fixture.NewAgentAsync();
        var token = fixture.Tokens.CreateToken(tenant);
        string lastSeen;
        await using (var stream = await SseStream.OpenAsync(first.BaseAddress, $"?agent_id={agent}", token))
        {
            await fixture.PublishAsync(tenant, agent);
            lastSeen = (await stream.ReadEventAsync()).Id!;
        }

        string[] missed = [await fixture.PublishAsync(tenant, agent), await fixture.PublishAsync(tenant, agent)];
        await using var resumed = await SseStream.OpenAsync(second.BaseAddress, $"?agent_id={agent}", token, lastSeen);
        var live = await fixture.PublishAsync(tenant, agent);

        string[] received = [(await resumed.ReadEventAsync()).Id!, (await resumed.ReadEventAsync()).Id!, (await resumed.ReadEventAsync()).Id!];
        Assert.Equal([.. missed, live], received);
    }

    private static string? EventId(Received received) => received.Message!.Value.GetProperty("data").GetProperty("id").GetString();
}
