using System.Net.WebSockets;
using System.Threading.Channels;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Authentication;
using AgentCore.Gateway.Realtime.Streaming;
using AgentCore.Gateway.Realtime.Telemetry;
using AgentCore.Gateway.ServiceDefaults.Input;

namespace AgentCore.Gateway.Realtime.WebSockets;

/// <summary>
/// One accepted WebSocket: a receive loop for client requests, a send loop for events, heartbeats, and the watch on
/// the token. Whatever ends the session first (client close, oversized message, missed heartbeats, the token's expiry
/// or revocation, overflow of the send queue, shutdown) decides the close status. Sends are serialized by one lock.
/// </summary>
internal sealed partial class WebSocketSession : IDisposable
{
    private readonly EventSubscription subscription;
    private readonly EventReplay replay;
    private readonly AgentWebSocketOptions options;
    private readonly TimeProvider time;
    private readonly RealtimeMetrics metrics;
    private readonly ILogger logger;
    private readonly SemaphoreSlim sendLock = new(1, 1);
    private readonly TaskCompletionSource<RealtimeCloseStatus> finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<DateTimeOffset> heartbeatTicks = Channel.CreateBounded<DateTimeOffset>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly ITimer heartbeatTimer;
    private readonly CancellationTokenRegistration tokenEnded;
    private long lastClientActivityTicks;

    /// <summary>Starts the heartbeat clock and watches the token; call before accepting, so that they run from the handshake on.</summary>
    public WebSocketSession(
        EventSubscription subscription,
        EventReplay replay,
        TokenWatch token,
        AgentWebSocketOptions options,
        TimeProvider time,
        RealtimeMetrics metrics,
        ILogger logger)
    {
        this.subscription = subscription;
        this.replay = replay;
        this.options = options;
        this.time = time;
        this.metrics = metrics;
        this.logger = logger;
        lastClientActivityTicks = time.GetUtcNow().UtcTicks;
        heartbeatTimer = time.CreateTimer(_ => heartbeatTicks.Writer.TryWrite(time.GetUtcNow()), null, options.HeartbeatInterval, options.HeartbeatInterval);
        tokenEnded = token.Ended.Register(() => Finish(token.Reason == TokenEnd.Revoked ? RealtimeCloseStatus.TokenRevoked : RealtimeCloseStatus.TokenExpired));
        subscription.CutOff.Register(() => Finish(RealtimeCloseStatus.SlowConsumer));
    }

    /// <summary>Runs the session until it ends, closes the socket, and returns why it ended.</summary>
    public async Task<RealtimeCloseStatus> RunAsync(WebSocket socket, CancellationToken stopping, CancellationToken aborted)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        using var stoppingRegistration = stopping.Register(() => Finish(RealtimeCloseStatus.ServerStopping));
        var receiving = ReceiveAsync(socket);
        var sending = SendEventsAsync(socket, stop.Token);
        var heartbeats = SendHeartbeatsAsync(socket, stop.Token);

        RealtimeCloseStatus reason;
        try
        {
            reason = await finished.Task.WaitAsync(aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            reason = RealtimeCloseStatus.ClientGone;
        }

        await stop.CancelAsync().ConfigureAwait(false);
        if (reason != RealtimeCloseStatus.ClientGone)
        {
            await CloseAsync(socket, reason, receiving).ConfigureAwait(false);
        }

        socket.Abort();
        await Task.WhenAll(receiving, sending, heartbeats).ConfigureAwait(false);
        return reason;
    }

    public void Dispose()
    {
        heartbeatTimer.Dispose();
        tokenEnded.Dispose();
        sendLock.Dispose();
        deliveryGate.Dispose();
    }

    private void Finish(RealtimeCloseStatus reason) => finished.TrySetResult(reason);

    private async Task ReceiveAsync(WebSocket socket)
    {
        var buffer = new byte[options.MaxMessageBytes];
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult received;
                do
                {
                    if (length == buffer.Length)
                    {
                        Finish(RealtimeCloseStatus.MessageTooBig);
                        return;
                    }

                    received = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None).ConfigureAwait(false);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        Finish(RealtimeCloseStatus.ClientClosed);
                        return;
                    }

                    length += received.Count;
                }
                while (!received.EndOfMessage);

                Interlocked.Exchange(ref lastClientActivityTicks, time.GetUtcNow().UtcTicks);
                await HandleOrReportAsync(socket, buffer.AsMemory(0, length), received.MessageType).ConfigureAwait(false);
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
    private async Task HandleOrReportAsync(WebSocket socket, ReadOnlyMemory<byte> message, WebSocketMessageType messageType)
    {
        try
        {
            await HandleAsync(socket, message, messageType).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not (WebSocketException or OperationCanceledException or ObjectDisposedException))
        {
            LogMessageFailed(logger, exception);
            await SendAsync(socket, Error(null, ErrorCodes.InternalError, "The message could not be processed.")).ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(WebSocket socket, ReadOnlyMemory<byte> message, WebSocketMessageType messageType)
    {
        if (messageType != WebSocketMessageType.Text)
        {
            await SendAsync(socket, Error(null, ErrorCodes.InvalidRequest, "Messages must be JSON text.")).ConfigureAwait(false);
            return;
        }

        if (JsonInput.FindTextProblem(message.Span) is { } problem)
        {
            await SendAsync(socket, Error(null, ErrorCodes.InvalidRequest, problem.Describe())).ConfigureAwait(false);
            return;
        }

        if (!WebSocketMessages.TryParse(message.Span, out var request, out var requestId, out var error))
        {
            await SendAsync(socket, Error(requestId, ErrorCodes.InvalidRequest, error)).ConfigureAwait(false);
            return;
        }

        if (request.Type == WebSocketMessages.Heartbeat)
        {
            return;
        }

        if (request.LastEventId is { } lastSeen)
        {
            await ResumeAsync(socket, request, lastSeen).ConfigureAwait(false);
            return;
        }

        var subscribed = request.Type == WebSocketMessages.Subscribe
            ? subscription.Subscribe(request.EventTypes)
            : subscription.Unsubscribe(request.EventTypes);
        await SendAsync(socket, Acknowledge(request, subscribed)).ConfigureAwait(false);
    }

    private async Task SendEventsAsync(WebSocket socket, CancellationToken stop)
    {
        try
        {
            while (await subscription.Events.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                while (!subscription.IsCutOff && subscription.Events.TryRead(out var streamEvent))
                {
                    if (!await DeliverLiveAsync(socket, streamEvent).ConfigureAwait(false))
                    {
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The session is ending; the close handshake follows.
        }
    }

    private async Task SendHeartbeatsAsync(WebSocket socket, CancellationToken stop)
    {
        try
        {
            await foreach (var now in heartbeatTicks.Reader.ReadAllAsync(stop).ConfigureAwait(false))
            {
                var silence = now - new DateTimeOffset(Interlocked.Read(ref lastClientActivityTicks), TimeSpan.Zero);
                if (silence >= options.HeartbeatTimeout)
                {
                    Finish(RealtimeCloseStatus.HeartbeatTimeout);
                    return;
                }

                var heartbeat = new WebSocketMessage(WebSocketMessages.Heartbeat, now, new { }, Guid.NewGuid().ToString());
                if (!await SendAsync(socket, WebSocketMessages.Encode(heartbeat)).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The session is ending.
        }
    }

    /// <summary>Sends one text message; false when the socket is gone (and the session finishes).</summary>
    private async Task<bool> SendAsync(WebSocket socket, ReadOnlyMemory<byte> message)
    {
        try
        {
            await sendLock.WaitAsync().ConfigureAwait(false);
            try
            {
                // Never cancel a send: cancelling aborts the socket, and the close handshake still needs it.
                await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
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

    private async Task CloseAsync(WebSocket socket, RealtimeCloseStatus reason, Task receiving)
    {
        using var timeout = new CancellationTokenSource(options.CloseTimeout, time);
        try
        {
            await sendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
            try
            {
                if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync(reason.Status, reason.Reason, timeout.Token).ConfigureAwait(false);
                }
            }
            finally
            {
                sendLock.Release();
            }

            // Wait for the client's close frame, so the client reads the status before the TCP connection ends. When the
            // receive loop already stopped (an oversized message), unread input is drained: closing a socket with unread
            // data resets it, and the reset would destroy the close frame on its way to the client.
            await receiving.WaitAsync(timeout.Token).ConfigureAwait(false);
            await DrainUntilCloseAsync(socket, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            LogCloseHandshakeFailed(logger, reason.Reason);
        }
    }

    private static async Task DrainUntilCloseAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var scratch = new byte[1024];
        while (socket.State == WebSocketState.CloseSent)
        {
            var received = await socket.ReceiveAsync(scratch.AsMemory(), cancellationToken).ConfigureAwait(false);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return;
            }
        }
    }

    private byte[] Error(string? requestId, string code, string message) =>
        WebSocketMessages.Encode(new WebSocketMessage(WebSocketMessages.Error, time.GetUtcNow(), new { code, message }, requestId));

    [LoggerMessage(Level = LogLevel.Error, Message = "A WebSocket message failed unexpectedly; the client got an error and the connection goes on")]
    private static partial void LogMessageFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "WebSocket closing handshake ({Reason}) did not complete; connection dropped")]
    private static partial void LogCloseHandshakeFailed(ILogger logger, string reason);
}
