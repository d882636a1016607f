using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Events;
using AgentCore.Samples.AgentRuntime.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCore.Samples.AgentRuntime.Worker;

/// <summary>
/// Moves tasks created → running → completed, writing each transition's events to the outbox in the same
/// transaction, then publishes unsent outbox events in order and marks each sent only after Redis accepted it.
/// A Redis outage therefore delays events but never loses them; a crash between XADD and marking may publish an
/// event twice (at-least-once), which consumers tolerate by the event's content.
/// </summary>
internal sealed partial class TaskWorker(
    IServiceScopeFactory scopes,
    IAgentEventPublisher publisher,
    IOptions<TaskWorkerOptions> options,
    TimeProvider time,
    ILogger<TaskWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<AgentsDbContext>();
                await AdvanceAsync(db, stoppingToken).ConfigureAwait(false);
                await PublishAsync(db, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is DbUpdateException or Npgsql.NpgsqlException or InvalidOperationException)
            {
                LogRoundFailed(logger, exception);
            }

            try
            {
                await Task.Delay(options.Value.PollInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One transaction: the due transitions and their events, or nothing; retried whole on transient failures.</summary>
    internal Task AdvanceAsync(AgentsDbContext db, CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(
            (Worker: this, Db: db),
            static (state, token) => state.Worker.AdvanceOnceAsync(state.Db, token),
            cancellationToken);

    private async Task AdvanceOnceAsync(AgentsDbContext db, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var settings = options.Value;
        var now = time.GetUtcNow();
        var startBefore = now - settings.StartDelay;
        var finishBefore = now - settings.RunDuration;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // SKIP LOCKED lets several replicas share the work without taking the same task twice.
        var due = await db.Tasks
            .FromSql($"""
                SELECT * FROM tasks
                WHERE (status = {TaskStatuses.Created} AND created_at <= {startBefore})
                   OR (status = {TaskStatuses.Running} AND started_at <= {finishBefore})
                ORDER BY created_at
                LIMIT {settings.BatchSize}
                FOR UPDATE SKIP LOCKED
                """)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (due.Count == 0)
        {
            return;
        }

        foreach (var task in due)
        {
            if (task.Status == TaskStatuses.Created)
            {
                task.Status = TaskStatuses.Running;
                task.StartedAt = now;
                db.Outbox.Add(Event(task, AgentEventTypes.AgentStatusChanged, new { status = "busy", task_id = task.Id }, now));
            }
            else
            {
                task.Status = TaskStatuses.Completed;
                task.CompletedAt = now;
                db.Outbox.Add(Event(task, AgentEventTypes.TaskCompleted, new { task_id = task.Id, task_type = task.TaskType, status = TaskStatuses.Completed }, now));
                db.Outbox.Add(Event(task, AgentEventTypes.AgentStatusChanged, new { status = "idle", task_id = task.Id }, now));
            }
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Publishes unsent events oldest first; stops at the first Redis failure so order is kept.</summary>
    internal async Task PublishAsync(AgentsDbContext db, CancellationToken cancellationToken)
    {
        var unsent = await db.Outbox
            .Where(message => message.SentAt == null)
            .OrderBy(message => message.Id)
            .Take(options.Value.BatchSize)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var message in unsent)
        {
            using var data = JsonDocument.Parse(message.Data);
            try
            {
                await publisher.PublishAsync(
                    new AgentEvent(message.Type, message.AgentId, message.TenantId, message.OccurredAt, data.RootElement.Clone(), message.RequestId),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (RedisException exception)
            {
                LogPublishDeferred(logger, unsent.Count, exception);
                return;
            }

            message.SentAt = time.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static OutboxMessage Event(AgentTask task, string type, object data, DateTimeOffset now) => new()
    {
        Type = type,
        AgentId = task.AgentId,
        TenantId = task.TenantId,
        Data = JsonSerializer.Serialize(data),
        OccurredAt = now,
        RequestId = task.RequestId,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task worker round failed; retrying next round")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis refused an event; {Count} outbox events wait for the next round")]
    private static partial void LogPublishDeferred(ILogger logger, int count, Exception exception);
}
