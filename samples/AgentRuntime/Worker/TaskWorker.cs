using System.Diagnostics;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Database;
using AgentCore.Samples.AgentRuntime.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AgentCore.Samples.AgentRuntime.Worker;

/// <summary>
/// Moves tasks created → running → completed, writing each transition's events to the outbox in the same transaction.
/// It does not poll: it sleeps until the next task is due, and a new task wakes it (a commit notification, see
/// <see cref="CommitListener"/>); <see cref="TaskWorkerOptions.SafetyNetInterval"/> only bounds a missed wake-up.
/// </summary>
internal sealed partial class TaskWorker(
    IServiceScopeFactory scopes,
    DatabaseMigration<AgentsDbContext> migration,
    WorkSignals signals,
    IOptions<TaskWorkerOptions> options,
    TimeProvider time,
    ILogger<TaskWorker> logger) : BackgroundService
{
    /// <summary>A task that is due but was not taken is locked by another replica's round, which ends in milliseconds.</summary>
    private static readonly TimeSpan LockedElsewherePause = TimeSpan.FromMilliseconds(20);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await migration.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<AgentsDbContext>();
                var advanced = await AdvanceAsync(db, stoppingToken);
                if (advanced > 0)
                {
                    signals.OutboxChanged.Set();
                }

                if (advanced == options.Value.BatchSize)
                {
                    continue;
                }

                wait = await UntilNextDueAsync(db, stoppingToken);
                if (advanced == 0 && wait < LockedElsewherePause)
                {
                    wait = LockedElsewherePause;
                }
            }
            catch (Exception exception) when (StoreOutages.IsOutage(exception)
                && !stoppingToken.IsCancellationRequested)
            {
                LogRoundFailed(logger, exception, options.Value.RetryDelay);
                wait = options.Value.RetryDelay;
            }

            await signals.TasksChanged.WaitAsync(wait, time, stoppingToken);
        }
    }

    /// <summary>One transaction: the due transitions and their events, or nothing; retried whole on transient failures.</summary>
    internal Task<int> AdvanceAsync(AgentsDbContext db, CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(
            (Worker: this, Db: db),
            static (state, token) => state.Worker.AdvanceOnceAsync(state.Db, token),
            cancellationToken);

    private async Task<int> AdvanceOnceAsync(AgentsDbContext db, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var settings = options.Value;
        var now = time.GetUtcNow();
        var startBefore = now - settings.StartDelay;
        var finishBefore = now - settings.RunDuration;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

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
            .ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }

        foreach (var task in due)
        {
            var starting = task.Status == TaskStatuses.Created;
            using var span = WorkerTracing.StartFrom(task.TraceParent, starting ? "task started" : "task completed", ActivityKind.Internal);
            span?.SetTag("agentcore.task.id", task.Id);
            var traceParent = span?.Id ?? task.TraceParent;
            if (starting)
            {
                task.Status = TaskStatuses.Running;
                task.StartedAt = now;
                db.Outbox.Add(Event(task, AgentEventTypes.AgentStatusChanged, new { status = "busy", task_id = task.Id }, now, traceParent));
            }
            else
            {
                task.Status = TaskStatuses.Completed;
                task.CompletedAt = now;
                db.Outbox.Add(Event(task, AgentEventTypes.TaskCompleted, new { task_id = task.Id, task_type = task.TaskType, status = TaskStatuses.Completed }, now, traceParent));
                db.Outbox.Add(Event(task, AgentEventTypes.AgentStatusChanged, new { status = "idle", task_id = task.Id }, now, traceParent));
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return due.Count;
    }

    /// <summary>How long until the oldest waiting task is due to start or the oldest running one to finish.</summary>
    private async Task<TimeSpan> UntilNextDueAsync(AgentsDbContext db, CancellationToken cancellationToken)
    {
        var settings = options.Value;

        // Both in one round trip; least() ignores the side with no task, and is null when there is none at all.
        var nextDue = await db.Database.SqlQuery<DateTimeOffset?>($"""
            SELECT least(
                (SELECT min(created_at) FROM tasks WHERE status = {TaskStatuses.Created}) + {settings.StartDelay},
                (SELECT min(started_at) FROM tasks WHERE status = {TaskStatuses.Running}) + {settings.RunDuration}) AS "Value"
            """).SingleAsync(cancellationToken);
        var wait = nextDue is { } due ? Min(settings.SafetyNetInterval, due - time.GetUtcNow()) : settings.SafetyNetInterval;
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static OutboxMessage Event(AgentTask task, string type, object data, DateTimeOffset now, string? traceParent) => new()
    {
        EventId = Guid.CreateVersion7(now),
        Type = type,
        AgentId = task.AgentId,
        TenantId = task.TenantId,
        Data = JsonSerializer.Serialize(data),
        OccurredAt = now,
        RequestId = task.RequestId,
        TraceParent = traceParent,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task worker round failed; retrying in {Delay}")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception, TimeSpan delay);
}
