using System.Diagnostics;
using AgentCore.Gateway.Audit.Storage;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Database;
using AgentCore.Gateway.ServiceDefaults.Errors;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCore.Gateway.Audit.Ingestion;

/// <summary>
/// Moves the audit stream into PostgreSQL with at-least-once delivery and idempotent storage, so exactly once in effect:
/// entries are read through the consumer group, committed in one transaction per batch, and acknowledged only after the
/// commit. While PostgreSQL is away the batch is retried and new entries stay in the stream. Entries another consumer
/// read but never acknowledged (it died) are claimed with XAUTOCLAIM once idle long enough. After any failure this
/// consumer first re-reads its own pending entries, so nothing it read is left behind. While one batch is being
/// committed, the next is read and parsed (one batch in flight), so the service's CPU and PostgreSQL's overlap.
/// </summary>
internal sealed partial class AuditStreamConsumer : BackgroundService
{
    private static readonly RedisValue OwnPendingEntries = StreamPosition.Beginning;
    private static readonly RedisValue NewEntries = StreamPosition.NewMessages;

    private readonly IConnectionMultiplexer redis;
    private readonly AuditEntryParser parser;
    private readonly AuditWriter writer;
    private readonly DatabaseMigration<AuditDbContext> migration;
    private readonly IngestionMetrics metrics;
    private readonly AuditIngestionOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<AuditStreamConsumer> logger;

    public AuditStreamConsumer(
        IConnectionMultiplexer redis,
        AuditEntryParser parser,
        AuditWriter writer,
        DatabaseMigration<AuditDbContext> migration,
        IngestionMetrics metrics,
        IOptions<AuditIngestionOptions> options,
        TimeProvider time,
        ILogger<AuditStreamConsumer> logger)
    {
        this.redis = redis;
        this.parser = parser;
        this.writer = writer;
        this.migration = migration;
        this.metrics = metrics;
        this.options = options.Value;
        this.time = time;
        this.logger = logger;
        ConsumerName = this.options.ResolveConsumerName();
    }

    public string ConsumerName { get; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await migration.WaitAsync(stoppingToken);
        LogStarted(logger, ConsumerName, options.ConsumerGroup);
        var groupExists = false;
        var position = OwnPendingEntries;
        var nextClaim = time.GetUtcNow();
        var inFlight = Task.CompletedTask;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!groupExists)
                {
                    await CreateGroupAsync();
                    groupExists = true;
                }

                if (time.GetUtcNow() >= nextClaim)
                {
                    await inFlight;
                    await ClaimAbandonedAsync(stoppingToken);
                    nextClaim = time.GetUtcNow() + options.ClaimInterval;
                }

                // Own pending entries are read from the start of the list: the batch in flight must be acknowledged first,
                // or it would be read again.
                if (position == OwnPendingEntries)
                {
                    await inFlight;
                }

                var entries = await redis.GetDatabase()
                    .StreamReadGroupAsync(StreamNames.AuditEvents, options.ConsumerGroup, ConsumerName, position, options.BatchSize);
                if (entries.Length > 0)
                {
                    var batch = parser.Parse(entries);
                    await inFlight;
                    inFlight = StoreAndAcknowledgeAsync(entries, batch, stoppingToken);
                }
                else if (position == OwnPendingEntries)
                {
                    position = NewEntries;
                }
                else
                {
                    await inFlight;
                    await Task.Delay(options.PollInterval, time, stoppingToken);
                }
            }
            catch (RedisServerException exception) when (exception.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
            {
                // Redis lost the stream (restarted without persistence): recreate the group and carry on.
                LogGroupMissing(logger, options.ConsumerGroup);
                inFlight = await SettledAsync(inFlight);
                groupExists = false;
                position = OwnPendingEntries;
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                LogRedisFailed(logger, exception, options.RetryDelay);
                inFlight = await SettledAsync(inFlight);
                position = OwnPendingEntries;
                await Task.Delay(options.RetryDelay, time, stoppingToken);
            }
        }
    }

    /// <summary>
    /// Waits for the batch in flight to end, whatever its fate: if its acknowledgement failed, its entries are still
    /// pending and the re-read of this consumer's pending entries that follows every failure stores them again.
    /// </summary>
    private static async Task<Task> SettledAsync(Task inFlight)
    {
        try
        {
            await inFlight;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
        }

        return Task.CompletedTask;
    }

    private async Task CreateGroupAsync()
    {
        try
        {
            // From the stream's start: events recorded before the first Gateway.Audit ever ran are stored too.
            await redis.GetDatabase()
                .StreamCreateConsumerGroupAsync(StreamNames.AuditEvents, options.ConsumerGroup, StreamPosition.Beginning, createStream: true);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Another instance, or an earlier run, created it.
        }
    }

    private async Task ClaimAbandonedAsync(CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        RedisValue start = "0-0";
        do
        {
            var claimed = await database.StreamAutoClaimAsync(
                StreamNames.AuditEvents,
                options.ConsumerGroup,
                ConsumerName,
                (long)options.ClaimIdleTime.TotalMilliseconds,
                start,
                options.BatchSize);
            if (claimed.DeletedIds.Length > 0)
            {
                LogTrimmedBeforeStored(logger, claimed.DeletedIds.Length);
            }

            if (claimed.ClaimedEntries.Length > 0)
            {
                LogClaimed(logger, claimed.ClaimedEntries.Length, options.ClaimIdleTime);
                await StoreAndAcknowledgeAsync(claimed.ClaimedEntries, parser.Parse(claimed.ClaimedEntries), cancellationToken);
            }

            start = claimed.NextStartId;
        }
        while (start != "0-0" && !cancellationToken.IsCancellationRequested);
    }

    private async Task StoreAndAcknowledgeAsync(StreamEntry[] entries, ParsedBatch batch, CancellationToken cancellationToken)
    {
        foreach (var deadLetter in batch.DeadLetters)
        {
            LogDeadLettered(logger, deadLetter.StreamEntryId, deadLetter.Error);
        }

        await WriteUntilCommittedAsync(batch, entries.Length, cancellationToken);
        await redis.GetDatabase()
            .StreamAcknowledgeAsync(StreamNames.AuditEvents, options.ConsumerGroup, Array.ConvertAll(entries, entry => entry.Id));
    }

    private async Task WriteUntilCommittedAsync(ParsedBatch batch, int received, CancellationToken cancellationToken)
    {
        while (true)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var (stored, deadLettered) = await WriteIsolatingRefusedAsync(batch, batch.Records, batch.DeadLetters, cancellationToken);
                metrics.BatchWritten(stored, received, deadLettered, Stopwatch.GetElapsedTime(started));
                return;
            }
            catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                // The entries stay pending in the stream; nothing is acknowledged until PostgreSQL takes them.
                LogStoreFailed(logger, exception, received, options.RetryDelay);
                await Task.Delay(options.RetryDelay, time, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Writes the records, and when PostgreSQL refuses them for what they contain (not for being away), halves the
    /// batch until the refused event stands alone and dead-letters it: one bad event must not hold back the trail.
    /// </summary>
    private async Task<(int Stored, int DeadLettered)> WriteIsolatingRefusedAsync(
        ParsedBatch batch, IReadOnlyList<AuditRecord> records, IReadOnlyList<DeadLetter> deadLetters, CancellationToken cancellationToken)
    {
        try
        {
            return (await writer.WriteAsync(records, deadLetters, cancellationToken), deadLetters.Count);
        }
        catch (Npgsql.PostgresException exception) when (DatabaseErrors.IsCausedByContent(exception) && (records.Count > 0 || deadLetters.Count > 0))
        {
            if (records.Count <= 1)
            {
                var refused = records
                    .Select(record => AuditEntryParser.Reject(batch.Sources[record.Id], $"PostgreSQL refused it: {exception.SqlState} {exception.MessageText}", time.GetUtcNow()))
                    .ToList();
                foreach (var letter in refused)
                {
                    LogDeadLettered(logger, letter.StreamEntryId, letter.Error);
                }

                // The dead letters hold no event content; if even they are refused the batch waits, as for an outage.
                await writer.WriteAsync([], [.. deadLetters, .. refused], cancellationToken);
                return (0, deadLetters.Count + refused.Count);
            }

            LogSplitting(logger, exception.SqlState, records.Count);
            var half = records.Count / 2;
            var first = await WriteIsolatingRefusedAsync(batch, records.Take(half).ToList(), deadLetters, cancellationToken);
            var second = await WriteIsolatingRefusedAsync(batch, records.Skip(half).ToList(), [], cancellationToken);
            return (first.Stored + second.Stored, first.DeadLettered + second.DeadLettered);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL refused a batch of {Count} audit events for its content ({SqlState}); splitting it to find the event")]
    private static partial void LogSplitting(ILogger logger, string sqlState, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit consumer {Consumer} reading group {Group}")]
    private static partial void LogStarted(ILogger logger, string consumer, string group);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consumer group {Group} is missing; recreating it")]
    private static partial void LogGroupMissing(ILogger logger, string group);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis failed while consuming the audit stream; retrying in {Delay}")]
    private static partial void LogRedisFailed(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL refused a batch of {Count} audit entries; they stay pending, retrying in {Delay}")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, int count, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Claimed {Count} audit entries idle for more than {IdleTime} from a departed consumer")]
    private static partial void LogClaimed(ILogger logger, int count, TimeSpan idleTime);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} pending audit entries were trimmed from the stream before they were stored")]
    private static partial void LogTrimmedBeforeStored(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit stream entry {EntryId} is not a valid audit event ({Error}); dead-lettered")]
    private static partial void LogDeadLettered(ILogger logger, string entryId, string error);
}
