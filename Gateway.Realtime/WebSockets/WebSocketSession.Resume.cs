using System.Net.WebSockets;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Streaming;
using AgentCore.Gateway.Realtime.Telemetry;
using StackExchange.Redis;

namespace AgentCore.Gateway.Realtime.WebSockets;

/// <summary>
/// Resuming: a <c>subscribe</c> with <c>data.last_event_id</c> (the resume id) is answered with its <c>ack</c>, a
/// <c>gap</c> when the replay cannot be complete (as for <c>Last-Event-ID</c> on the event stream), and the events after
/// that id from the stream itself, whichever instance the client had been on; then live events follow. A connection's
/// events leave in stream order and never twice: live events and a replay pass one gate, and only ids after the last
/// one sent get through it, so live events wait while a replay runs and those it already covered are dropped. Resume
/// with the first <c>subscribe</c> of a connection: later, only events after what the connection already sent follow.
/// </summary>
internal sealed partial class WebSocketSession
{
    private readonly SemaphoreSlim deliveryGate = new(1, 1);
    private StreamEventId lastDelivered = StreamEventId.Zero;

    /// <summary>Sends a live event unless a replay already covered it; false when the socket is gone.</summary>
    private async Task<bool> DeliverLiveAsync(WebSocket socket, StreamEvent streamEvent)
    {
        await deliveryGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (streamEvent.Id <= lastDelivered)
            {
                return true;
            }

            if (!await SendAsync(socket, streamEvent.WebSocketMessage).ConfigureAwait(false))
            {
                return false;
            }

            lastDelivered = streamEvent.Id;
            metrics.Sent(RealtimeTransports.WebSocket);
            return true;
        }
        finally
        {
            deliveryGate.Release();
        }
    }

    private async Task ResumeAsync(WebSocket socket, ClientRequest request, StreamEventId lastSeen)
    {
        ReplayPosition position;
        try
        {
            position = await replay.LocateAsync(lastSeen).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            await SendAsync(socket, Error(request.RequestId, ErrorCodes.ServiceUnavailable, "The event stream cannot be read right now; send the subscribe again.")).ConfigureAwait(false);
            return;
        }

        if (position.IsAhead)
        {
            await SendAsync(socket, Error(request.RequestId, ErrorCodes.InvalidRequest, "data.last_event_id is later than any event of this stream; subscribe without it.")).ConfigureAwait(false);
            return;
        }

        // The gate is held from before the subscription takes the new types: no live event of theirs can get out ahead
        // of the replay, and the replay's last id then holds back every live event it covered.
        await deliveryGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!await SendAsync(socket, Acknowledge(request, subscription.Subscribe(request.EventTypes))).ConfigureAwait(false))
            {
                return;
            }

            if (position.HasGap && !await SendAsync(socket, WebSocketMessages.Encode(new WebSocketMessage(
                WebSocketMessages.Gap, time.GetUtcNow(), ReplayGaps.Describe(lastSeen, position), request.RequestId))).ConfigureAwait(false))
            {
                return;
            }

            if (position.ReplayAfter > lastDelivered)
            {
                lastDelivered = position.ReplayAfter;
            }

            await foreach (var missed in replay.ReadAfterAsync(position.ReplayAfter, CancellationToken.None).ConfigureAwait(false))
            {
                if (missed.Id <= lastDelivered)
                {
                    continue;
                }

                if (subscription.Accepts(missed))
                {
                    if (!await SendAsync(socket, missed.WebSocketMessage).ConfigureAwait(false))
                    {
                        return;
                    }

                    metrics.Sent(RealtimeTransports.WebSocket);
                }

                lastDelivered = missed.Id;
            }
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Live events go on from here; the client learns its replay stopped short and may resume again.
            await SendAsync(socket, Error(request.RequestId, ErrorCodes.ServiceUnavailable, "The replay was cut short; send the subscribe again with the last id received.")).ConfigureAwait(false);
        }
        finally
        {
            deliveryGate.Release();
        }
    }

    private byte[] Acknowledge(ClientRequest request, IReadOnlySet<string> subscribed) =>
        WebSocketMessages.Encode(new WebSocketMessage(
            WebSocketMessages.Ack,
            time.GetUtcNow(),
            new { action = request.Type, events = request.EventTypes, subscribed = subscribed.Order(StringComparer.Ordinal), last_event_id = request.LastEventId?.ToString() },
            request.RequestId));
}
