using System.Collections.Concurrent;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Tests.Infrastructure;

namespace AgentCore.Gateway.Resilience.Tests.Load;

/// <summary>
/// A client of the public endpoint that follows one agent's <c>task.completed</c> events for as long as it runs, and
/// reconnects as a well-behaved client does whenever its connection ends: after a short pause, resuming from the last
/// event id it received. It counts what a client would notice: every delivery, and any event it sees twice (by
/// stream id, and by task, so a task published twice under two ids counts too).
/// </summary>
internal abstract class EventSubscriber(string name, Uri publicAddress, string agentId, string token) : IAsyncDisposable
{
    private static readonly TimeSpan ReconnectPause = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<string, int> tasks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> streamIds = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource stop = new();
    private Task? running;
    private int duplicates;
    private int reconnects;
    private int gaps;

    public string Name => name;

    protected Uri PublicAddress => publicAddress;

    protected string AgentId => agentId;

    protected string Token => token;

    /// <summary>The id of the last event received, from which a reconnection resumes.</summary>
    protected string? LastEventId { get; private set; }

    /// <summary>Deliveries of an event already delivered (same stream id or same task).</summary>
    public int Duplicates => Volatile.Read(ref duplicates);

    /// <summary>Connections that ended and were made again.</summary>
    public int Reconnects => Volatile.Read(ref reconnects);

    /// <summary>Resumes the server said could not be complete (it trimmed events the client had not seen).</summary>
    public int Gaps => Volatile.Read(ref gaps);

    public Task Connected => connected.Task;

    public void Start() => running = Task.Run(RunAsync);

    /// <summary>How many of <paramref name="taskIds"/> it has received.</summary>
    public int Received(IEnumerable<string> taskIds) => taskIds.Count(tasks.ContainsKey);

    /// <summary>Stops reconnecting and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await CloseAsync();
        if (running is not null)
        {
            await running;
        }

        stop.Dispose();
    }

    /// <summary>Opens a connection (resuming after <see cref="LastEventId"/> when set); throws when refused.</summary>
    protected abstract Task OpenAsync();

    /// <summary>Reads events until the connection ends; throws or returns when it does.</summary>
    protected abstract Task ReadAsync(CancellationToken cancellationToken);

    protected abstract Task CloseAsync();

    /// <summary>An event arrived: <paramref name="agentEvent"/> is the event document (<c>type</c>, <c>data</c>, …).</summary>
    protected void Deliver(string streamId, JsonElement agentEvent)
    {
        LastEventId = streamId;
        var duplicateId = !streamIds.TryAdd(streamId, 0);
        var duplicateTask = agentEvent.GetProperty("type").GetString() == AgentEventTypes.TaskCompleted
            && agentEvent.GetProperty("data").TryGetProperty("task_id", out var taskId)
            && tasks.AddOrUpdate(taskId.GetString()!, 1, (_, count) => count + 1) > 1;
        if (duplicateId || duplicateTask)
        {
            Interlocked.Increment(ref duplicates);
        }
    }

    protected void Gap() => Interlocked.Increment(ref gaps);

    private async Task RunAsync()
    {
        var first = true;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await OpenAsync();
                connected.TrySetResult();
                if (!first)
                {
                    Interlocked.Increment(ref reconnects);
                }

                first = false;
                await ReadAsync(stop.Token);
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
                // Refused, reset or ended: a client reconnects, and so does this one.
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            finally
            {
                await CloseAsync();
            }

            try
            {
                await Task.Delay(ReconnectPause, stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

/// <summary>An event stream (<c>GET /api/v1/events/stream</c>) that resumes with <c>Last-Event-ID</c>.</summary>
internal sealed class ServerSentEventSubscriber(string name, Uri publicAddress, string agentId, string token)
    : EventSubscriber(name, publicAddress, agentId, token)
{
    private SseStream? stream;

    protected override async Task OpenAsync() =>
        stream = await SseStream.OpenAsync(PublicAddress, $"?agent_id={AgentId}&types={AgentEventTypes.TaskCompleted}", Token, LastEventId);

    protected override async Task ReadAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var message = await stream!.ReadEventAsync(TimeSpan.FromMinutes(10));
            if (message.Event == "gap")
            {
                Gap();
                continue;
            }

            Deliver(message.Id!, JsonDocument.Parse(message.Data!).RootElement);
        }
    }

    protected override async Task CloseAsync()
    {
        if (Interlocked.Exchange(ref stream, null) is { } open)
        {
            await open.DisposeAsync();
        }
    }
}

/// <summary>A WebSocket (<c>/ws/agents/{id}</c>) that resumes with the resume id of its subscribe, answering heartbeats.</summary>
internal sealed class WebSocketSubscriber(string name, Uri publicAddress, string agentId, string token)
    : EventSubscriber(name, publicAddress, agentId, token)
{
    private AgentSocket? socket;

    protected override async Task OpenAsync()
    {
        socket = await AgentSocket.ConnectAsync(PublicAddress, AgentId, Token);
        _ = LastEventId is { } resumeAfter
            ? await socket.ResumeAsync(resumeAfter, AgentEventTypes.TaskCompleted)
            : await socket.SubscribeAsync(AgentEventTypes.TaskCompleted);
    }

    protected override async Task ReadAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var received = await socket!.ReceiveAsync(TimeSpan.FromMinutes(10));
            switch (received.Type)
            {
                case null:
                    return;
                case "heartbeat":
                    await socket.SendAsync("heartbeat");
                    break;
                case "gap":
                    Gap();
                    break;
                case "event":
                    var data = received.Message!.Value.GetProperty("data");
                    Deliver(data.GetProperty("id").GetString()!, data.GetProperty("event"));
                    break;
                default:
                    // An error (the stream could not be read for a resume): start over from the last id received.
                    return;
            }
        }
    }

    protected override async Task CloseAsync()
    {
        if (Interlocked.Exchange(ref socket, null) is { } open)
        {
            await open.DisposeAsync();
        }
    }
}
