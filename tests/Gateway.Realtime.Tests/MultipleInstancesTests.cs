using System.Text.Json;
using System.Threading.Channels;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Hubs;
using AgentCore.Gateway.Realtime.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

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

    [Fact]
    public async Task Hub_clients_on_either_instance_receive_the_same_events_and_are_refused_the_same_agents()
    {
        await using var first = fixture.StartRealtime();
        await using var second = fixture.StartRealtime();
        var (tenant, agent) = await fixture.NewAgentAsync();
        var (_, foreign) = await fixture.NewAgentAsync();
        var token = fixture.Tokens.CreateToken(tenant);
        await using var onFirst = first.ConnectHub(token);
        await using var onSecond = second.ConnectHub(token);
        var receivedOnFirst = Received(onFirst);
        var receivedOnSecond = Received(onSecond);
        var refusals = new List<string>();
        foreach (var connection in new[] { onFirst, onSecond })
        {
            await connection.StartAsync(TestContext.Current.CancellationToken);
            await connection.InvokeAsync<string[]>("Subscribe", agent, new[] { AgentEventTypes.TaskCompleted }, TestContext.Current.CancellationToken);
            var refused = await Assert.ThrowsAsync<HubException>(() =>
                connection.InvokeAsync<string[]>("Subscribe", foreign, new[] { AgentEventTypes.TaskCompleted }, TestContext.Current.CancellationToken));
            refusals.Add(refused.Message);
        }

        var published = await fixture.PublishAsync(tenant, agent);
        var marker = await fixture.PublishAsync(tenant, agent);

        Assert.Equal(refusals[0], refusals[1]);
        foreach (var received in new[] { receivedOnFirst, receivedOnSecond })
        {
            Assert.Equal([published, marker], [await ReadAsync(received), await ReadAsync(received)]);
        }
    }

    [Fact]
    public async Task Messages_and_groups_of_one_instance_reach_a_hub_client_connected_to_the_other_through_the_redis_backplane()
    {
        await using var first = fixture.StartRealtime();
        await using var second = fixture.StartRealtime();
        var (tenant, _) = await fixture.NewAgentAsync();
        await using var onSecond = second.ConnectHub(fixture.Tokens.CreateToken(tenant));
        var notices = Channel.CreateUnbounded<string>();
        onSecond.On<JsonElement>("notice", notice => notices.Writer.TryWrite(notice.GetProperty("via").GetString()!));
        await onSecond.StartAsync(TestContext.Current.CancellationToken);
        var hubOnFirst = first.Services.GetRequiredService<IHubContext<AgentsHub>>();
        var group = "group-" + Guid.NewGuid().ToString("N");

        await hubOnFirst.Clients.Client(onSecond.ConnectionId!).SendAsync("notice", new { via = "connection" }, TestContext.Current.CancellationToken);
        await hubOnFirst.Groups.AddToGroupAsync(onSecond.ConnectionId!, group, TestContext.Current.CancellationToken);
        await hubOnFirst.Clients.Group(group).SendAsync("notice", new { via = "group" }, TestContext.Current.CancellationToken);

        Assert.Equal(["connection", "group"], [await ReadAsync(notices), await ReadAsync(notices)]);
    }

    private static Channel<string> Received(HubConnection connection)
    {
        var received = Channel.CreateUnbounded<string>();
        connection.On<string, AgentEvent>("event", (id, _) => received.Writer.TryWrite(id));
        return received;
    }

    private static async Task<string> ReadAsync(Channel<string> received)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        return await received.Reader.ReadAsync(timeout.Token);
    }

    private static string? EventId(Received received) => received.Message!.Value.GetProperty("data").GetProperty("id").GetString();
}
