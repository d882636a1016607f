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
/// events leave in stream order and never twice: the pump's live events and a replay pass one gate, and only ids after
/// the last one sent get through it, so live events wait in the subscription's queue while a replay runs, and those it
/// already covered are dropped when the pump drains the queue after it. Resume with the first <c>subscribe</c> of a
/// connection: later, only events after what the connection already sent follow.
/// </summary>
internal sealed partial class WebSocketSession
{
    private readonly SemaphoreSlim deliveryGate = new(1, 1);

    /// <summary>The id of the last event this connection sent (live or replayed); read and written inside the gate only.</summary>
    private StreamEventId lastSent = StreamEventId.Zero;

    /// <summary>
    /// Sends the queued live events a replay has not already sent; false when the session is over. The pump calls it with
    /// nothing else of the session's held, so a replay holding the gate only delays it: the events it waits for stay
    /// queued, and the pump, still marked running, takes them once the gate opens.
    /// </summary>
    private async Task<bool> SendQueuedEventsAsync(WebSocket webSocket)
    {
        try
        {
            await deliveryGate.WaitAsync();
            try
            {
                while (!subscription.IsCutOff && subscription.TryRead(out var streamEvent))
                {
                    if (streamEvent.Id <= lastSent)
                    {
                        continue;
                    }

                    if (!await SendAsync(webSocket, streamEvent.WebSocketMessage))
                    {
                        return false;
                    }

                    lastSent = streamEvent.Id;
                    metrics.Sent(RealtimeTransports.WebSocket);
                }

                return true;
            }
            finally
            {
                deliveryGate.Release();
            }
        }
        catch (ObjectDisposedException)
        {
            // The session ended, and was disposed, while this pump still ran.
            Finish(RealtimeCloseStatus.ClientGone);
            return false;
        }
    }

    private async Task ResumeAsync(WebSocket webSocket, ClientRequest request, StreamEventId lastSeen)
    {
        ReplayPosition position;
        try
        {
            position = await replay.LocateAsync(lastSeen);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            await SendAsync(webSocket, Error(request.RequestId, ErrorCodes.ServiceUnavailable, "The event stream cannot be read right now; send the subscribe again."));
            return;
        }

        if (position.IsAhead)
        {
            await SendAsync(webSocket, Error(request.RequestId, ErrorCodes.InvalidRequest, "data.last_event_id is later than any event of this stream; subscribe without it."));
            return;
        }

        // The gate is held from before the subscription takes the new types until the replay has read the stream's end:
        // no live event of theirs can get out ahead of the acknowledgement or the replay, and every event the stream gets
        // from the moment they are subscribed is either read by the replay or queued for the pump (or both).
        await deliveryGate.WaitAsync();
        try
        {
            if (!await SendAsync(webSocket, Acknowledge(request, subscription.Subscribe(request.EventTypes))))
            {
                return;
            }

            if (position.HasGap && !await SendAsync(webSocket, WebSocketMessages.Encode(new WebSocketMessage(
                WebSocketMessages.Gap, time.GetUtcNow(), ReplayGaps.Describe(lastSeen, position), request.RequestId))))
            {
                return;
            }

            if (position.ReplayAfter > lastSent)
            {
                lastSent = position.ReplayAfter;
            }

            await foreach (var missed in replay.ReadAfterAsync(lastSent, CancellationToken.None))
            {
                if (subscription.IsCutOff)
                {
                    return;
                }

                if (subscription.Accepts(missed))
                {
                    if (!await SendAsync(webSocket, missed.WebSocketMessage))
                    {
                        return;
                    }

                    metrics.Sent(RealtimeTransports.WebSocket);
                }

                lastSent = missed.Id;
            }
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Live events go on from here; the client learns its replay stopped short and may resume again.
            await SendAsync(webSocket, Error(request.RequestId, ErrorCodes.ServiceUnavailable, "The replay was cut short; send the subscribe again with the last id received."));
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
