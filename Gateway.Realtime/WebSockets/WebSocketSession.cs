using System.Buffers;
using System.Net.WebSockets;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Connections;
using AgentCore.Gateway.Realtime.Streaming;
using AgentCore.Gateway.Realtime.Telemetry;
using AgentCore.Gateway.ServiceDefaults.Input;

namespace AgentCore.Gateway.Realtime.WebSockets;

/// <summary>
/// One accepted WebSocket: a receive loop for client requests, events and heartbeats sent as they come, and the watch
/// on the token. Whatever ends the session first (client close, oversized message, missed heartbeats, the token's
/// expiry or revocation, overflow of the send queue, shutdown) decides the close status.
/// </summary>
/// <remarks>
/// An idle session costs as little as it can: the receive loop waits with a zero-byte read and rents its buffer only
/// while a message arrives; heartbeats and silence are checked on the shared <see cref="ConnectionClock"/>; and no send
/// loop waits for events. When an event is queued or a heartbeat falls due, a send pump starts, drains what is waiting
/// and ends. Sends (the pump's, the replies to requests and the close) are serialized by one lock; events (the pump's
/// and a resume's replay) also pass the delivery gate, which keeps them once and in stream order.
/// </remarks>
internal sealed partial class WebSocketSession : IClockWatcher, IDisposable
{
    private readonly AgentWebSocketOptions options;
    private readonly TimeProvider time;
    private readonly ConnectionClock clock;
    private readonly RealtimeMetrics metrics;
    private readonly ILogger logger;
    private readonly SemaphoreSlim sendLock = new(1, 1);
    private readonly TaskCompletionSource<RealtimeCloseStatus> finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly EventSubscription subscription;
    private readonly EventReplay replay;
    private WebSocket? socket;
    private long lastClientActivityTicks;
    private long nextHeartbeatTicks;
    private int heartbeatDue;
    private int pumping;

    /// <summary>
    /// Creates the session's subscription (the caller adds it to the fan-out) and starts the heartbeat clock; create it
    /// before accepting, so that the clock runs from the handshake on.
    /// </summary>
    public WebSocketSession(
        string tenantId,
        string agentId,
        EventReplay replay,
        AgentWebSocketOptions options,
        TimeProvider time,
        ConnectionClock clock,
        RealtimeMetrics metrics,
        ILogger logger)
    {
        this.replay = replay;
        this.options = options;
        this.time = time;
        this.clock = clock;
        this.metrics = metrics;
        this.logger = logger;
        subscription = new EventSubscription(tenantId, agentId, eventTypes: [], options.SendQueueCapacity, onQueued: EventQueued);
        var now = time.GetUtcNow().UtcTicks;
        lastClientActivityTicks = now;
        nextHeartbeatTicks = now + FirstHeartbeatDelay(options.HeartbeatInterval).Ticks;
        clock.Add(this);
    }

    public EventSubscription Subscription => subscription;

    /// <summary>Ends the session with <paramref name="reason"/> (the token ended, the server stops); the first reason wins.</summary>
    public void Finish(RealtimeCloseStatus reason) => finished.TrySetResult(reason);

    /// <summary>Runs the session until it ends, closes the socket, and returns why it ended.</summary>
    public async Task<RealtimeCloseStatus> RunAsync(WebSocket webSocket)
    {
        Volatile.Write(ref socket, webSocket);
        var receiving = ReceiveAsync(webSocket);

        // Events queued between the subscription and the accept wait for the socket.
        StartPump();
        var reason = await finished.Task;
        clock.Remove(this);
        if (reason != RealtimeCloseStatus.ClientGone)
        {
            await CloseAsync(webSocket, reason, receiving);
        }

        webSocket.Abort();
        await receiving;
        return reason;
    }

    /// <summary>
    /// When a heartbeat is due: closes a client that has been silent for the heartbeat timeout, or sends the heartbeat.
    /// A client need only speak when prompted, so its silence counts at heartbeats only.
    /// </summary>
    public void Tick(DateTimeOffset now)
    {
        var ticks = now.UtcTicks;
        if (ticks < Interlocked.Read(ref nextHeartbeatTicks))
        {
            return;
        }

        Interlocked.Exchange(ref nextHeartbeatTicks, ticks + options.HeartbeatInterval.Ticks);
        if (ticks - Interlocked.Read(ref lastClientActivityTicks) >= options.HeartbeatTimeout.Ticks)
        {
            Finish(RealtimeCloseStatus.HeartbeatTimeout);
            return;
        }

        Volatile.Write(ref heartbeatDue, 1);
        StartPump();
    }

    public void Dispose()
    {
        clock.Remove(this);
        subscription.Dispose();
        sendLock.Dispose();
        deliveryGate.Dispose();
    }

    /// <summary>
    /// The fan-out queued an event, or cut the subscription off: a pump stuck on a client that reads nothing would never
    /// see the cut-off, so it ends the session here.
    /// </summary>
    private void EventQueued()
    {
        if (subscription.IsCutOff)
        {
            Finish(RealtimeCloseStatus.SlowConsumer);
            return;
        }

        StartPump();
    }

    private void StartPump()
    {
        if (Volatile.Read(ref socket) is not null && Interlocked.Exchange(ref pumping, 1) == 0)
        {
            _ = PumpAsync();
        }
    }

    /// <summary>Sends what is waiting (a due heartbeat, queued events) and ends; started again by the next arrival.</summary>
    private async Task PumpAsync()
    {
        var webSocket = Volatile.Read(ref socket)!;
        while (true)
        {
            if (subscription.IsCutOff)
            {
                Finish(RealtimeCloseStatus.SlowConsumer);
                return;
            }

            if (Interlocked.Exchange(ref heartbeatDue, 0) == 1)
            {
                var heartbeat = new WebSocketMessage(WebSocketMessages.Heartbeat, time.GetUtcNow(), new { }, Guid.NewGuid().ToString());
                if (!await SendAsync(webSocket, WebSocketMessages.Encode(heartbeat)))
                {
                    return;
                }
            }

            if (!await SendQueuedEventsAsync(webSocket))
            {
                return;
            }

            // Whatever arrives after this point starts the pump again, unless this pump goes on to take it. (A full fence:
            // the check below must not be read before the pump says it stopped.)
            Interlocked.Exchange(ref pumping, 0);
            if (!HasWork() || Interlocked.Exchange(ref pumping, 1) == 1)
            {
                return;
            }
        }
    }

    /// <summary>
    /// The first heartbeat comes at a random point in the second half of the interval, and each later one an interval
    /// after the one before: connections opened together (a reconnect storm, a deploy) would otherwise all beat on the
    /// same clock tick for as long as they live, and Kestrel's memory pool keeps the blocks such a burst needed at once
    /// (measured: ~2,100 pooled 8 KiB blocks, 1.7 KiB per connection, after 10,000 connections opened in 6 s).
    /// </summary>
    private static TimeSpan FirstHeartbeatDelay(TimeSpan interval) => interval * (1 - Random.Shared.NextDouble() / 2);

    private bool HasWork() => subscription.IsCutOff || Volatile.Read(ref heartbeatDue) == 1 || subscription.HasQueued;

    private async Task ReceiveAsync(WebSocket webSocket)
    {
        try
        {
            while (true)
            {
                // Wait for the next message without holding a buffer: an idle connection keeps none.
                var next = await webSocket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
                if (next.MessageType == WebSocketMessageType.Close)
                {
                    Finish(RealtimeCloseStatus.ClientClosed);
                    return;
                }

                var buffer = ArrayPool<byte>.Shared.Rent(options.MaxMessageBytes);
                try
                {
                    var received = next.EndOfMessage ? next : default(ValueWebSocketReceiveResult?);
                    var length = 0;
                    while (received is not { EndOfMessage: true })
                    {
                        if (length == options.MaxMessageBytes)
                        {
                            Finish(RealtimeCloseStatus.MessageTooBig);
                            return;
                        }

                        received = await webSocket.ReceiveAsync(buffer.AsMemory(length, options.MaxMessageBytes - length), CancellationToken.None);
                        if (received.Value.MessageType == WebSocketMessageType.Close)
                        {
                            Finish(RealtimeCloseStatus.ClientClosed);
                            return;
                        }

                        length += received.Value.Count;
                    }

                    Interlocked.Exchange(ref lastClientActivityTicks, time.GetUtcNow().UtcTicks);
                    await HandleOrReportAsync(webSocket, buffer.AsMemory(0, length), next.MessageType);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Also a text message that is not UTF-8: the WebSocket itself fails the connection (close 1007, then abort),
            // as RFC 6455 (8.1) requires.
            Finish(RealtimeCloseStatus.ClientGone);
        }
    }

    /// <summary>
    /// Whatever a client sends, it gets an answer and the connection lives on: a message that fails in a way nothing
    /// foresaw is answered with an <c>error</c> and logged, instead of ending the receive loop (which would leave the
    /// client's later messages, and its close frame, unanswered).
    /// </summary>
    private async Task HandleOrReportAsync(WebSocket webSocket, ReadOnlyMemory<byte> message, WebSocketMessageType messageType)
    {
        try
        {
            await HandleAsync(webSocket, message, messageType);
        }
        catch (Exception exception) when (exception is not (WebSocketException or OperationCanceledException or ObjectDisposedException))
        {
            LogMessageFailed(logger, exception);
            await SendAsync(webSocket, Error(null, ErrorCodes.InternalError, "The message could not be processed."));
        }
    }

    private async Task HandleAsync(WebSocket webSocket, ReadOnlyMemory<byte> message, WebSocketMessageType messageType)
    {
        if (messageType != WebSocketMessageType.Text)
        {
            await SendAsync(webSocket, Error(null, ErrorCodes.InvalidRequest, "Messages must be JSON text."));
            return;
        }

        if (JsonInput.FindTextProblem(message.Span) is { } problem)
        {
            await SendAsync(webSocket, Error(null, ErrorCodes.InvalidRequest, problem.Describe()));
            return;
        }

        if (!WebSocketMessages.TryParse(message.Span, out var request, out var requestId, out var error))
        {
            await SendAsync(webSocket, Error(requestId, ErrorCodes.InvalidRequest, error));
            return;
        }

        if (request.Type == WebSocketMessages.Heartbeat)
        {
            return;
        }

        if (request.LastEventId is { } lastSeen)
        {
            await ResumeAsync(webSocket, request, lastSeen);
            return;
        }

        var subscribed = request.Type == WebSocketMessages.Subscribe
            ? subscription.Subscribe(request.EventTypes)
            : subscription.Unsubscribe(request.EventTypes);
        await SendAsync(webSocket, Acknowledge(request, subscribed));
    }

    /// <summary>Sends one text message; false when the socket is gone (and the session finishes).</summary>
    private async Task<bool> SendAsync(WebSocket webSocket, ReadOnlyMemory<byte> message)
    {
        try
        {
            await sendLock.WaitAsync();
            try
            {
                // Never cancel a send: cancelling aborts the socket, and the close handshake still needs it.
                await webSocket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                return true;
            }
            finally
            {
                sendLock.Release();
            }
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            Finish(RealtimeCloseStatus.ClientGone);
            return false;
        }
    }

    private async Task CloseAsync(WebSocket webSocket, RealtimeCloseStatus reason, Task receiving)
    {
        using var timeout = new CancellationTokenSource(options.CloseTimeout, time);
        try
        {
            await sendLock.WaitAsync(timeout.Token);
            try
            {
                if (webSocket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await webSocket.CloseOutputAsync(reason.Status, reason.Reason, timeout.Token);
                }
            }
            finally
            {
                sendLock.Release();
            }

            // Wait for the client's close frame, so the client reads the status before the TCP connection ends. When the
            // receive loop already stopped (an oversized message), unread input is drained: closing a socket with unread
            // data resets it, and the reset would destroy the close frame on its way to the client.
            await receiving.WaitAsync(timeout.Token);
            await DrainUntilCloseAsync(webSocket, timeout.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            LogCloseHandshakeFailed(logger, reason.Reason);
        }
    }

    private static async Task DrainUntilCloseAsync(WebSocket webSocket, CancellationToken cancellationToken)
    {
        var scratch = ArrayPool<byte>.Shared.Rent(1024);
        try
        {
            while (webSocket.State == WebSocketState.CloseSent)
            {
                var received = await webSocket.ReceiveAsync(scratch.AsMemory(), cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private byte[] Error(string? requestId, string code, string message) =>
        WebSocketMessages.Encode(new WebSocketMessage(WebSocketMessages.Error, time.GetUtcNow(), new { code, message }, requestId));

    [LoggerMessage(Level = LogLevel.Error, Message = "A WebSocket message failed unexpectedly; the client got an error and the connection goes on")]
    private static partial void LogMessageFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "WebSocket closing handshake ({Reason}) did not complete; connection dropped")]
    private static partial void LogCloseHandshakeFailed(ILogger logger, string reason);
}
