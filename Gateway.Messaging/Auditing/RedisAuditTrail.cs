using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Threading.Channels;
using AgentCore.Gateway.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCore.Gateway.Messaging.Auditing;

/// <summary>
/// Appends audit events to the audit Redis stream off the request path. A bounded buffer covers short Redis outages:
/// a batch Redis refuses is retried until it lands, and only when the buffer is full are new events dropped, each
/// one counted by the <c>audit_events_dropped</c> metric. The number dropped is logged once per publish attempt rather
/// than once per event, so an outage under load cannot turn into a log flood.
/// A retried batch may append some events twice; Gateway.Audit stores each event id once.
/// </summary>
internal sealed partial class RedisAuditTrail : BackgroundService, IAuditTrail
{
    public const string MeterName = "AgentCore.Gateway.AuditTrail";

    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    private readonly Channel<AuditEvent> buffer;
    private readonly IConnectionMultiplexer redis;
    private readonly AuditTrailOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<RedisAuditTrail> logger;
    private readonly Counter<long> published;
    private readonly Counter<long> dropped;
    private long droppedSinceLastReport;

    public RedisAuditTrail(
        IConnectionMultiplexer redis,
        IOptions<AuditTrailOptions> options,
        TimeProvider time,
        IMeterFactory meterFactory,
        ILogger<RedisAuditTrail> logger)
    {
        this.redis = redis;
        this.options = options.Value;
        this.time = time;
        this.logger = logger;
        buffer = Channel.CreateBounded<AuditEvent>(new BoundedChannelOptions(this.options.BufferCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        var meter = meterFactory.Create(MeterName);
        published = meter.CreateCounter<long>("audit_events_published", description: "Audit events appended to the audit stream.");
        dropped = meter.CreateCounter<long>("audit_events_dropped", description: "Audit events dropped because the local buffer was full.");
        meter.CreateObservableGauge("audit_events_buffered", () => (long)buffer.Reader.Count, description: "Audit events waiting for Redis.");
    }

    public bool Record(AuditEvent auditEvent)
    {
        if (buffer.Writer.TryWrite(auditEvent))
        {
            return true;
        }

        dropped.Add(1, new KeyValuePair<string, object?>("type", auditEvent.Type));
        Interlocked.Increment(ref droppedSinceLastReport);
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AuditEvent>(options.BatchSize);
        try
        {
            while (await buffer.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                Fill(batch);
                await PublishUntilAcceptedAsync(batch, stoppingToken).ConfigureAwait(false);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await FlushOnShutdownAsync(batch).ConfigureAwait(false);
        }
    }

    private void Fill(List<AuditEvent> batch)
    {
        while (batch.Count < options.BatchSize && buffer.Reader.TryRead(out var next))
        {
            batch.Add(next);
        }
    }

    private async Task PublishUntilAcceptedAsync(List<AuditEvent> batch, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await PublishAsync(batch).ConfigureAwait(false);
                published.Add(batch.Count);
                ReportDropped();
                return;
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                LogRetrying(logger, exception, batch.Count, options.RetryDelay);
                ReportDropped();
                await Task.Delay(options.RetryDelay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void ReportDropped()
    {
        var count = Interlocked.Exchange(ref droppedSinceLastReport, 0);
        if (count > 0)
        {
            LogDropped(logger, count, options.BufferCapacity);
        }
    }

    private async Task PublishAsync(List<AuditEvent> batch)
    {
        var database = redis.GetDatabase();
        var appends = new Task[batch.Count];
        for (var index = 0; index < batch.Count; index++)
        {
            var auditEvent = batch[index];
            appends[index] = database.StreamAddAsync(
                StreamNames.AuditEvents,
                [
                    new NameValueEntry(StreamNames.TypeField, auditEvent.Type),
                    new NameValueEntry(StreamNames.PayloadField, JsonSerializer.Serialize(auditEvent, SerializerOptions)),
                ],
                maxLength: options.MaxStreamLength,
                useApproximateMaxLength: true);
        }

        await Task.WhenAll(appends).ConfigureAwait(false);
    }

    private async Task FlushOnShutdownAsync(List<AuditEvent> batch)
    {
        // Nothing would publish an event recorded from now on: refuse it, so it is counted as dropped rather than lost silently.
        buffer.Writer.TryComplete();
        using var flushTimeout = new CancellationTokenSource(options.ShutdownFlushTimeout, time);
        try
        {
            Fill(batch);
            while (batch.Count > 0)
            {
                await PublishUntilAcceptedAsync(batch, flushTimeout.Token).ConfigureAwait(false);
                batch.Clear();
                Fill(batch);
            }
        }
        catch (OperationCanceledException)
        {
            var lost = batch.Count + buffer.Reader.Count;
            dropped.Add(lost);
            ReportDropped();
            LogLostOnShutdown(logger, lost);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit buffer full ({Capacity} events): dropped {Count} audit events")]
    private static partial void LogDropped(ILogger logger, long count, int capacity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis refused {Count} audit events; retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, Exception exception, int count, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Shutdown flush timed out: {Count} audit events were not written")]
    private static partial void LogLostOnShutdown(ILogger logger, int count);
}
