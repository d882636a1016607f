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
/// <c>IAgentEventPublisher.PublishOnceAsync</c>), so a crash between the append and the marking, or a second
/// replica's relay at the same rows, makes the relay publish it again but the stream hold it once: consumers see every
/// event exactly once. Each relay goes through the rows in id order, so the stream keeps their order too. It wakes
/// when events are committed, once per commit (the commit notification, see <see cref="CommitListener"/>), not on a
/// timer.
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

        /// <summary>Redis refused the batch; it and the events after it wait for the retry.</summary>
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
    /// Publishes a batch of unsent events oldest first in one Redis round trip (an atomic script that appends them in
    /// order, each once by its event id), then marks them sent in one statement. When Redis refuses, none is marked and
    /// the batch waits for the retry. A crash before the marking leaves them unsent: the next round publishes them
    /// again under the same event ids, and the stream still holds each once.
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
        if (unsent.Count == 0)
        {
            return Outcome.Drained;
        }

        // Each event's publication is a span in the trace of the request behind it; the batch's one append call is
        // recorded under the last of them.
        var spans = new List<Activity>();
        var events = new IdentifiedAgentEvent[unsent.Count];
        for (var i = 0; i < unsent.Count; i++)
        {
            var message = unsent[i];
            if (WorkerTracing.StartFrom(message.TraceParent, $"publish {message.Type}", ActivityKind.Producer) is { } span)
            {
                spans.Add(span);
            }

            events[i] = new IdentifiedAgentEvent(
                new AgentEvent(message.Type, message.AgentId, message.TenantId, message.OccurredAt, JsonSerializer.Deserialize<JsonElement>(message.Data), message.RequestId),
                message.EventId);
        }

        try
        {
            await publisher.PublishOnceAsync(events, cancellationToken);
        }
        catch (RedisException exception)
        {
            spans.ForEach(span => span.SetStatus(ActivityStatusCode.Error, exception.Message));
            LogPublishDeferred(logger, exception, options.Value.RetryDelay);
            return Outcome.Deferred;
        }
        finally
        {
            spans.ForEach(span => span.Dispose());
        }

        var published = unsent.ConvertAll(message => message.Id);
        var sentAt = time.GetUtcNow();
        await db.Outbox
            .Where(message => published.Contains(message.Id))
            .ExecuteUpdateAsync(update => update.SetProperty(message => message.SentAt, sentAt), cancellationToken);
        return unsent.Count == batchSize ? Outcome.BatchFull : Outcome.Drained;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay round failed; retrying in {Delay}")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis refused the events; the unsent outbox events wait, retrying in {Delay}")]
    private static partial void LogPublishDeferred(ILogger logger, Exception exception, TimeSpan delay);
}
