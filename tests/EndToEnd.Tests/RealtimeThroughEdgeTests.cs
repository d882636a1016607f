using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Tests.Infrastructure;

namespace AgentCore.Gateway.EndToEnd.Tests;

/// <summary>
/// Realtime through the Edge only: the events the sample AgentRuntime publishes for a task created through the Edge
/// reach WebSocket and Server-Sent Events clients of the Edge, and Realtime's refusals come back through it.
/// </summary>
[Collection(GatewayStackGroup.Name)]
public sealed class RealtimeThroughEdgeTests(GatewayStackFixture stack)
{
    private const string Agent = "agent-1";
    private const string OtherTenantsAgent = "agent-9";
    private const string Scopes = GatewayScopes.AgentsWrite + " " + GatewayScopes.EventsRead;
    private const string EventMessage = "event";
    private const string HeartbeatMessage = "heartbeat";

    // A task takes seconds; the bound is this generous because the machine is shared, so only a broken feature meets it.
    private static readonly TimeSpan EventWait = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_websocket_receives_the_events_of_a_task_created_through_the_edge(bool tokenInQuery)
    {
        using var edge = stack.CreateEdgeClient();
        var token = await StackCredentials.GetServiceTokenAsync(edge, Scopes);
        await using var socket = await AgentSocket.ConnectAsync(stack.EdgeAddress, Agent, token, tokenInQuery);
        var ack = await socket.SubscribeAsync(AgentEventTypes.TaskCompleted, AgentEventTypes.AgentStatusChanged);
        Assert.Equal(
            [AgentEventTypes.AgentStatusChanged, AgentEventTypes.TaskCompleted],
            ack.GetProperty("data").GetProperty("subscribed").EnumerateArray().Select(type => type.GetString()).Order(StringComparer.Ordinal));

        var taskId = await AgentTasks.CreateAsync(edge, Agent, request => request.Authorize(token));

        var received = await ReceiveTaskEventsAsync(socket, taskId);
        var events = received.Select(message => message.GetProperty("event")).ToArray();
        Assert.Equal([AgentEventTypes.AgentStatusChanged, AgentEventTypes.TaskCompleted], events.Select(e => e.GetProperty("type").GetString()));
        Assert.All(events, e =>
        {
            Assert.Equal(Agent, e.GetProperty("agent_id").GetString());
            Assert.Equal("acme", e.GetProperty("tenant_id").GetString());
        });
        Assert.Equal("busy", events[0].GetProperty("data").GetProperty("status").GetString());
        Assert.Equal("completed", events[1].GetProperty("data").GetProperty("status").GetString());
        Assert.True(EventId(received[0]).CompareTo(EventId(received[1])) < 0, "The task's events arrive in stream order.");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-token-the-gateway-issued")]
    public async Task A_websocket_upgrade_without_a_valid_token_is_refused_with_401_and_the_envelope(string? queryToken)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(
            () => socket.ConnectAsync(AgentSocket.Address(stack.EdgeAddress, Agent, queryToken), TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);

        using var refused = await AgentSocket.HandshakeAsync(stack.EdgeAddress, Agent, bearer: null, queryToken);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(ErrorCodes.AuthenticationFailed, (await ErrorEnvelope.ErrorOf(refused)).GetProperty("code").GetString());
        Assert.False(refused.Headers.Contains("Sec-WebSocket-Accept"));
    }

    [Theory]
    [InlineData(OtherTenantsAgent)]
    [InlineData("agent-nobody-registered")]
    public async Task Another_tenants_agent_and_an_unknown_one_are_refused_to_websocket_and_event_stream_with_404(string agent)
    {
        using var edge = stack.CreateEdgeClient();
        var acmeToken = await StackCredentials.GetServiceTokenAsync(edge, GatewayScopes.EventsRead);

        // The runtime registered its agents in the directory when it started: no event needs to have happened.
        using var upgrade = await AgentSocket.HandshakeAsync(stack.EdgeAddress, agent, acmeToken);
        Assert.Equal(HttpStatusCode.NotFound, upgrade.StatusCode);
        Assert.Equal(ErrorCodes.NotFound, (await ErrorEnvelope.ErrorOf(upgrade)).GetProperty("code").GetString());
        Assert.False(upgrade.Headers.Contains("Sec-WebSocket-Accept"));

        using var stream = await SseStream.RequestAsync(edge, $"?agent_id={agent}", acmeToken);
        Assert.Equal(HttpStatusCode.NotFound, stream.StatusCode);
        Assert.Equal(ErrorCodes.NotFound, (await ErrorEnvelope.ErrorOf(stream)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_event_stream_delivers_a_tasks_events_and_replays_exactly_those_after_Last_Event_ID()
    {
        using var edge = stack.CreateEdgeClient();
        var token = await StackCredentials.GetServiceTokenAsync(edge, Scopes);
        var query = $"?agent_id={Agent}";
        string taskId;
        List<SseMessage> seen;
        await using (var live = await SseStream.OpenAsync(stack.EdgeAddress, query, token))
        {
            taskId = await AgentTasks.CreateAsync(edge, Agent, request => request.Authorize(token));
            seen = await ReadUntilCompletedAsync(live, taskId);
        }

        var ofTask = seen.Where(message => TaskIdOf(message) == taskId).ToArray();
        Assert.Equal([AgentEventTypes.AgentStatusChanged, AgentEventTypes.TaskCompleted], ofTask.Select(message => message.Event));
        Assert.All(seen, message => Assert.Equal(message.Event, JsonDocument.Parse(message.Data!).RootElement.GetProperty("type").GetString()));

        // Resume from the task's first event: everything the live stream sent after it, and nothing before, comes again.
        var lastEventId = ofTask[0].Id!;
        var missed = seen.SkipWhile(message => message.Id != lastEventId).Skip(1).Select(message => message.Id!).ToArray();
        await using var resumed = await SseStream.OpenAsync(stack.EdgeAddress, query, token, lastEventId);
        var replayed = new List<string>();
        try
        {
            while (replayed.Count < missed.Length)
            {
                replayed.Add((await resumed.ReadEventAsync(EventWait)).Id!);
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"After Last-Event-ID {lastEventId} the stream replayed [{string.Join(", ", replayed)}], expected [{string.Join(", ", missed)}].");
        }

        Assert.Equal(missed, replayed);
        Assert.All(replayed, id => Assert.True(StreamOrder(id).CompareTo(StreamOrder(lastEventId)) > 0, $"{id} is not after {lastEventId}."));
    }

    /// <summary>Reads the socket until the task completes, answering heartbeats as a client must; returns the task's event messages' data.</summary>
    private static async Task<List<JsonElement>> ReceiveTaskEventsAsync(AgentSocket socket, string taskId)
    {
        using var deadline = new CancellationTokenSource(EventWait);
        var events = new List<JsonElement>();
        try
        {
            while (!deadline.IsCancellationRequested)
            {
                var received = await socket.ReceiveAsync(EventWait);
                Assert.True(received.CloseStatus is null, $"The server closed the socket: {received.CloseStatus} {received.CloseReason}");
                if (received.Type == HeartbeatMessage)
                {
                    await socket.SendAsync(HeartbeatMessage);
                    continue;
                }

                Assert.Equal(EventMessage, received.Type);
                var data = received.Message!.Value.GetProperty("data");
                if (data.GetProperty("event").GetProperty("data").GetProperty("task_id").GetString() != taskId)
                {
                    continue;
                }

                events.Add(data);
                if (data.GetProperty("event").GetProperty("type").GetString() == AgentEventTypes.TaskCompleted)
                {
                    return events;
                }
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            // Nothing more arrived in time: reported below with what did.
        }

        Assert.Fail($"Task {taskId} did not complete within {EventWait}; its events so far: {string.Join(", ", events)}");
        return events;
    }

    /// <summary>Every event of the stream (any task of the agent) until the task's completion.</summary>
    private static async Task<List<SseMessage>> ReadUntilCompletedAsync(SseStream stream, string taskId)
    {
        using var deadline = new CancellationTokenSource(EventWait);
        var seen = new List<SseMessage>();
        try
        {
            while (!deadline.IsCancellationRequested)
            {
                var message = await stream.ReadEventAsync(EventWait);
                seen.Add(message);
                if (message.Event == AgentEventTypes.TaskCompleted && TaskIdOf(message) == taskId)
                {
                    return seen;
                }
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            // Nothing more arrived in time: reported below with what did.
        }

        Assert.Fail($"Task {taskId} did not complete within {EventWait}; events so far: {string.Join(", ", seen)}");
        return seen;
    }

    private static string? TaskIdOf(SseMessage message) =>
        JsonDocument.Parse(message.Data!).RootElement.GetProperty("data").TryGetProperty("task_id", out var id) ? id.GetString() : null;

    private static (long Milliseconds, long Sequence) EventId(JsonElement eventMessageData) => StreamOrder(eventMessageData.GetProperty("id").GetString()!);

    /// <summary>A stream id (<c>ms-seq</c>) as something that sorts the way the stream does.</summary>
    private static (long Milliseconds, long Sequence) StreamOrder(string id)
    {
        var parts = id.Split('-');
        return (long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture));
    }
}
