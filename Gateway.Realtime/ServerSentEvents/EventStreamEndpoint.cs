using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Authentication;
using AgentCore.Gateway.Realtime.Connections;
using AgentCore.Gateway.Realtime.Limits;
using AgentCore.Gateway.Realtime.Streaming;
using AgentCore.Gateway.Realtime.Telemetry;
using AgentCore.Gateway.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Realtime.ServerSentEvents;

/// <summary>
/// <c>GET /api/v1/events/stream?agent_id=…&amp;types=…</c>: the caller's tenant's events as Server-Sent Events.
/// With <c>Last-Event-ID</c> it replays what the client missed from the stream, then goes live without gap or
/// duplicate: it subscribes to live events first (they queue), replays, and then skips queued events the replay
/// already sent, by id order. A malformed id, or one ahead of the stream, is refused with 400; when retention already
/// trimmed events after the id, or the id is further back than a replay may reach (by age or by count), the stream
/// starts with a <c>gap</c> event saying why and replays what is left within those bounds. When the caller's token
/// expires or is revoked, the stream sends <c>event: error</c> (code <c>AUTHENTICATION_FAILED</c>) and ends.
/// </summary>
internal sealed partial class EventStreamEndpoint(
    EventFanOut fanOut,
    EventReplay replay,
    RealtimeAdmission admission,
    ConnectionLifetimes lifetimes,
    ConnectionClock clock,
    ConnectionAudit audit,
    RealtimeMetrics metrics,
    IOptions<ServerSentEventsOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<EventStreamEndpoint> logger)
{
    public const string LastEventIdHeader = "Last-Event-ID";

    private static readonly byte[] HeartbeatComment = ": heartbeat\n\n"u8.ToArray();

    public async Task HandleAsync(HttpContext context)
    {
        var agentId = context.Request.Query["agent_id"].ToString() is { Length: > 0 } agent ? agent : null;
        var types = context.Request.Query["types"].SelectMany(value => (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
        if (types.FirstOrDefault(type => !AgentEventTypes.All.Contains(type)) is { } unknown)
        {
            await ErrorResponses.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, $"Unknown event type '{unknown}'.",
                new Dictionary<string, object?> { ["supported_types"] = AgentEventTypes.All.ToArray() });
            return;
        }

        var lastEventIdHeader = context.Request.Headers[LastEventIdHeader].ToString();
        StreamEventId? lastSeen = null;
        if (lastEventIdHeader.Length > 0)
        {
            if (!StreamEventId.TryParse(lastEventIdHeader, out var parsed))
            {
                await ErrorResponses.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest,
                    "Last-Event-ID must be an event id from this stream, such as 1735689600000-0.");
                return;
            }

            lastSeen = parsed;
        }

        await using var lease = await admission.AdmitAsync(context, agentId);
        if (lease is null)
        {
            return;
        }

        var settings = options.Value;
        var subscription = new EventSubscription(context.User.TenantId(), agentId, types.Length > 0 ? types : null, settings.QueueCapacity);

        // Live events queue from here on, before the replay reads the stream: that ordering is what leaves no gap.
        fanOut.Add(subscription);
        try
        {
            var position = lastSeen is { } id ? await replay.LocateAsync(id) : null;
            if (position is { IsAhead: true })
            {
                await ErrorResponses.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest,
                    "Last-Event-ID is later than any event of this stream; reconnect without it.",
                    new Dictionary<string, object?> { ["last_event_id"] = lastEventIdHeader });
                return;
            }

            await StreamAsync(context, subscription, lastSeen, position, settings);
        }
        finally
        {
            fanOut.Remove(subscription);
            subscription.Dispose();
        }
    }

    private async Task StreamAsync(HttpContext context, EventSubscription subscription, StreamEventId? lastSeen, ReplayPosition? position, ServerSentEventsOptions settings)
    {
        using var token = lifetimes.Watch(context.User.AccessToken());
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping, subscription.CutOff, token.Ended);
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        if (HttpProtocol.IsHttp11(context.Request.Protocol))
        {
            response.Headers.Connection = "keep-alive";
        }

        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        audit.Connected(context, RealtimeTransports.ServerSentEvents, subscription.AgentId);
        metrics.Connected(RealtimeTransports.ServerSentEvents);
        var started = time.GetTimestamp();
        var reason = "client_gone";
        var heartbeat = new StreamHeartbeat(subscription, settings.HeartbeatInterval, time.GetUtcNow());
        clock.Add(heartbeat);
        try
        {
            var retry = ((long)settings.RetryInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            await WriteAsync(response, Encoding.UTF8.GetBytes($"retry: {retry}\n\n"), stop.Token);
            var lastSent = lastSeen ?? StreamEventId.Zero;
            if (lastSeen is { } after && position is not null)
            {
                if (position.HasGap)
                {
                    await WriteAsync(response, GapEvent(after, position), stop.Token);
                }

                await foreach (var missed in replay.ReadAfterAsync(position.ReplayAfter, stop.Token))
                {
                    lastSent = missed.Id;
                    if (subscription.Accepts(missed))
                    {
                        await WriteEventAsync(response, missed, stop.Token);
                    }
                }
            }

            await StreamLiveAsync(response, subscription, lastSent, heartbeat, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            reason = token.Reason switch
            {
                TokenEnd.Revoked => "token_revoked",
                TokenEnd.Expired => "token_expired",
                _ => subscription.IsCutOff ? "slow_consumer" : lifetime.ApplicationStopping.IsCancellationRequested ? "server_stopping" : "client_gone",
            };
            if (token.Reason is { } ended && !context.RequestAborted.IsCancellationRequested)
            {
                await WriteTokenEndedAsync(response, ended, context.RequestAborted);
            }
        }
        finally
        {
            clock.Remove(heartbeat);
            metrics.Disconnected(RealtimeTransports.ServerSentEvents, time.GetElapsedTime(started), reason);
        }

        LogStreamEnded(logger, subscription.AgentId, reason);
    }

    /// <summary>
    /// Writes live events and heartbeats until the stream ends. Whatever is waiting goes out in one flush: a burst costs
    /// one write to the connection, not one per event.
    /// </summary>
    private async Task StreamLiveAsync(HttpResponse response, EventSubscription subscription, StreamEventId lastSent, StreamHeartbeat heartbeat, CancellationToken stop)
    {
        var writer = response.BodyWriter;
        while (true)
        {
            var written = 0;
            while (subscription.TryRead(out var live))
            {
                // Anything up to the last replayed id was already sent by the replay.
                if (live.Id > lastSent)
                {
                    lastSent = live.Id;
                    writer.Write(live.ServerSentEvent.Span);
                    written++;
                }
            }

            if (heartbeat.TakeDue())
            {
                writer.Write(HeartbeatComment);
            }

            await writer.FlushAsync(stop);
            if (written > 0)
            {
                metrics.Sent(RealtimeTransports.ServerSentEvents, written);
            }

            if (!await subscription.WaitToReadAsync(stop))
            {
                stop.ThrowIfCancellationRequested();
                return;
            }
        }
    }

    private async Task WriteEventAsync(HttpResponse response, StreamEvent streamEvent, CancellationToken cancellationToken)
    {
        await WriteAsync(response, streamEvent.ServerSentEvent, cancellationToken);
        metrics.Sent(RealtimeTransports.ServerSentEvents);
    }

    /// <summary>Writes and flushes at once, so that neither Kestrel nor a proxy holds an event back.</summary>
    private static async Task WriteAsync(HttpResponse response, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(bytes, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>The last block of a stream whose token ended: the client must reconnect with a fresh token.</summary>
    private static async Task WriteTokenEndedAsync(HttpResponse response, TokenEnd ended, CancellationToken cancellationToken)
    {
        var data = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["code"] = ErrorCodes.AuthenticationFailed,
            ["message"] = ended == TokenEnd.Revoked ? "token revoked" : "token expired",
        });
        try
        {
            await WriteAsync(response, Encoding.UTF8.GetBytes($"event: error\ndata: {data}\n\n"), cancellationToken);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException)
        {
            // The client left at the same moment.
        }
    }

    private static byte[] GapEvent(StreamEventId lastSeen, ReplayPosition position) =>
        Encoding.UTF8.GetBytes($"event: gap\ndata: {JsonSerializer.Serialize(ReplayGaps.Describe(lastSeen, position))}\n\n");

    /// <summary>When a stream's heartbeat is due, on the shared clock: it marks it due and wakes the stream's writer.</summary>
    private sealed class StreamHeartbeat(EventSubscription subscription, TimeSpan interval, DateTimeOffset start) : IClockWatcher
    {
        private long nextTicks = (start + interval).UtcTicks;
        private int due;

        public void Tick(DateTimeOffset now)
        {
            if (now.UtcTicks < Interlocked.Read(ref nextTicks))
            {
                return;
            }

            Interlocked.Exchange(ref nextTicks, now.UtcTicks + interval.Ticks);
            Volatile.Write(ref due, 1);
            subscription.Wake();
        }

        public bool TakeDue() => Interlocked.Exchange(ref due, 0) == 1;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event stream (agent {AgentId}) ended: {Reason}")]
    private static partial void LogStreamEnded(ILogger logger, string? agentId, string reason);
}
