using System.Diagnostics;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Database;
using AgentCore.Gateway.Messaging.Events;
using AgentCore.Samples.AgentRuntime.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCore.Samples.AgentRuntime.Worker;

/// <summary>
/// Publishes unsent outbox events in order and marks each sent only after Redis accepted it. A Redis outage therefore
/// delays events but never loses them. Each event is published under its own id (<see cref="OutboxMessage.EventId"/>,
/// <see cref="IAgentEventPublisher.PublishOnceAsync"/>), so a crash between the append and the marking, or a second
/// replica's relay at the same rows, makes the relay publish it again but the stream hold it once: consumers see every
/// event exactly once. Each relay goes through the rows in id order, so the stream keeps their order too. It wakes
/// when events are committed (by this process's worker directly, by any other writer through a commit notification),
/// not on a timer.
/// </summary>
internal sealed partial class OutboxRelay(
    IServiceScopeFactory scopes,
    DatabaseMigration<AgentsDbContext> migration,
    IAgentEventPublisher publisher,
    WorkSignals signals,
    IOptions<TaskWorkerOptions> options,
    TimeProvider time,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    internal enum Outcome
    {
        /// <summary>Every unsent event is published.</summary>
        Drained,

        /// <summary>A full batch was published; more may be waiting.</summary>
        BatchFull,

        /// <summary>Redis refused an event; it and the ones after it wait for the retry.</summary>
        Deferred,
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await migration.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            Outcome outcome;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                outcome = await PublishAsync(scope.ServiceProvider.GetRequiredService<AgentsDbContext>(), stoppingToken);
            }
            catch (Exception exception) when (StoreOutages.IsOutage(exception)
                && !stoppingToken.IsCancellationRequested)
            {
                LogRoundFailed(logger, exception, options.Value.RetryDelay);
                outcome = Outcome.Deferred;
            }

            switch (outcome)
            {
                case Outcome.BatchFull:
                    continue;
                case Outcome.Deferred:
                    await Task.Delay(options.Value.RetryDelay, time, stoppingToken);
                    break;
                default:
                    await signals.OutboxChanged.WaitAsync(options.Value.SafetyNetInterval, time, stoppingToken);
                    break;
            }
        }
    }

    /// <summary>
    /// Publishes unsent events oldest first, stopping at the first Redis failure so order is kept, then marks every
    /// published one sent in one statement. A crash before that statement leaves them unsent: the next round publishes
    /// them again under the same event ids, and the stream still holds each once.
    /// </summary>
    internal async Task<Outcome> PublishAsync(AgentsDbContext db, CancellationToken cancellationToken)
    {
        var batchSize = options.Value.BatchSize;
        var unsent = await db.Outbox
            .AsNoTracking()
            .Where(message => message.SentAt == null)
            .OrderBy(message => message.Id)
            .Take(batchSize)
            .ToListAsync(cancellationToken);
        var outcome = unsent.Count == batchSize ? Outcome.BatchFull : Outcome.Drained;
        var published = new List<long>(unsent.Count);
        foreach (var message in unsent)
        {
            // The request that created the task owns this trace: the XADD appears in it.
            using var span = WorkerTracing.StartFrom(message.TraceParent, $"publish {message.Type}", ActivityKind.Producer);
            using var data = JsonDocument.Parse(message.Data);
            try
            {
                await publisher.PublishOnceAsync(
                    new AgentEvent(message.Type, message.AgentId, message.TenantId, message.OccurredAt, data.RootElement, message.RequestId),
                    message.EventId,
                    cancellationToken);
            }
            catch (RedisException exception)
            {
                span?.SetStatus(ActivityStatusCode.Error, exception.Message);
                LogPublishDeferred(logger, exception, options.Value.RetryDelay);
                outcome = Outcome.Deferred;
                break;
            }

            published.Add(message.Id);
        }

        if (published.Count > 0)
        {
            var sentAt = time.GetUtcNow();
            await db.Outbox
                .Where(message => published.Contains(message.Id))
                .ExecuteUpdateAsync(update => update.SetProperty(message => message.SentAt, sentAt), cancellationToken);
        }

        return outcome;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay round failed; retrying in {Delay}")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis refused an event; the unsent outbox events wait, retrying in {Delay}")]
    private static partial void LogPublishDeferred(ILogger logger, Exception exception, TimeSpan delay);
}
