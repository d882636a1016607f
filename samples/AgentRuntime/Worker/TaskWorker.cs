using System.Diagnostics;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Database;
using AgentCore.Samples.AgentRuntime.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

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
    // The due tasks, oldest first, with what their events need. SKIP LOCKED lets several replicas share the work
    // without taking the same task twice.
    private const string ClaimSql = $"""
        SELECT id, status, agent_id, tenant_id, task_type, request_id, trace_parent FROM tasks
        WHERE (status = '{TaskStatuses.Created}' AND created_at <= @start_before)
           OR (status = '{TaskStatuses.Running}' AND started_at <= @finish_before)
        ORDER BY created_at
        LIMIT @batch_size
        FOR UPDATE SKIP LOCKED
        """;

    // Every claimed task's new status in one statement; a task that starts now gets started_at even when it also
    // completes in this round.
    private const string MoveSql = $"""
        UPDATE tasks AS t
        SET status = moved.status,
            started_at = CASE WHEN t.status = '{TaskStatuses.Created}' THEN @now ELSE t.started_at END,
            completed_at = CASE WHEN moved.status = '{TaskStatuses.Completed}' THEN @now END
        FROM unnest(@ids, @statuses) AS moved(id, status)
        WHERE t.id = moved.id
        """;

    // Every event of the round in one statement, in the order given, so the outbox ids (the relay's order) follow it.
    private const string InsertEventsSql = """
        INSERT INTO outbox (event_id, type, agent_id, tenant_id, data, occurred_at, request_id, trace_parent)
        SELECT e.event_id, e.type, e.agent_id, e.tenant_id, e.data::jsonb, @now, e.request_id, e.trace_parent
        FROM unnest(@event_ids, @types, @agent_ids, @tenant_ids, @data, @request_ids, @trace_parents)
            WITH ORDINALITY AS e(event_id, type, agent_id, tenant_id, data, request_id, trace_parent, n)
        ORDER BY e.n
        """;

    // When the oldest waiting task is due to start or the oldest running one to finish, as this transaction sees it;
    // least() ignores the side with no task, and is null when there is none at all.
    private const string NextDueSql = $"""
        SELECT least(
            (SELECT min(created_at) FROM tasks WHERE status = '{TaskStatuses.Created}') + @start_delay,
            (SELECT min(started_at) FROM tasks WHERE status = '{TaskStatuses.Running}') + @run_duration)
        """;

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
                var (advanced, nextDue) = await AdvanceAsync(scope.ServiceProvider.GetRequiredService<AgentsDbContext>(), stoppingToken);
                if (advanced == options.Value.BatchSize)
                {
                    continue;
                }

                wait = Until(nextDue);
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

    /// <summary>
    /// One transaction: the due transitions and their events, or nothing; retried whole on transient failures. Returns
    /// how many tasks moved and when the next one is due (null: none waits). The outbox's commit notification wakes the
    /// relay, once per round.
    /// </summary>
    internal Task<(int Advanced, DateTimeOffset? NextDue)> AdvanceAsync(AgentsDbContext db, CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(
            (Worker: this, Db: db),
            static (state, token) => state.Worker.AdvanceOnceAsync(state.Db, token),
            cancellationToken);

    /// <summary>
    /// Claims up to a batch of due tasks and moves each through every transition that is due now (a task whose run
    /// takes no time starts and completes in the same round), in three round trips whatever the batch: the claim with
    /// the next due time, the updates with the events and the next due time after them, and the commit.
    /// </summary>
    private async Task<(int Advanced, DateTimeOffset? NextDue)> AdvanceOnceAsync(AgentsDbContext db, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var npgsqlTransaction = (NpgsqlTransaction)transaction.GetDbTransaction();

        var due = new List<DueTask>();
        DateTimeOffset? nextDue;
        await using (var claim = new NpgsqlBatch(connection, npgsqlTransaction))
        {
            claim.BatchCommands.Add(Command(ClaimSql,
                new NpgsqlParameter<DateTimeOffset>("start_before", now - settings.StartDelay),
                new NpgsqlParameter<DateTimeOffset>("finish_before", now - settings.RunDuration),
                new NpgsqlParameter<int>("batch_size", settings.BatchSize)));
            claim.BatchCommands.Add(NextDueCommand(settings));
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(new DueTask(
                    reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    await reader.IsDBNullAsync(5, cancellationToken) ? null : reader.GetString(5),
                    await reader.IsDBNullAsync(6, cancellationToken) ? null : reader.GetString(6)));
            }

            await reader.NextResultAsync(cancellationToken);
            nextDue = await ReadNextDueAsync(reader, cancellationToken);
        }

        if (due.Count == 0)
        {
            return (0, nextDue);
        }

        var events = new RoundEvents(now);
        var statuses = new string[due.Count];
        var finishing = settings.RunDuration <= TimeSpan.Zero;
        for (var i = 0; i < due.Count; i++)
        {
            var task = due[i];
            var status = task.Status;
            if (status == TaskStatuses.Created)
            {
                using var span = WorkerTracing.StartFrom(task.TraceParent, "task started", ActivityKind.Internal);
                span?.SetTag("agentcore.task.id", task.Id);
                events.Add(task, AgentEventTypes.AgentStatusChanged, new { status = "busy", task_id = task.Id }, span?.Id);
                status = TaskStatuses.Running;
            }

            if (status == TaskStatuses.Running && (task.Status == TaskStatuses.Running || finishing))
            {
                using var span = WorkerTracing.StartFrom(task.TraceParent, "task completed", ActivityKind.Internal);
                span?.SetTag("agentcore.task.id", task.Id);
                events.Add(task, AgentEventTypes.TaskCompleted, new { task_id = task.Id, task_type = task.TaskType, status = TaskStatuses.Completed }, span?.Id);
                events.Add(task, AgentEventTypes.AgentStatusChanged, new { status = "idle", task_id = task.Id }, span?.Id);
                status = TaskStatuses.Completed;
            }

            statuses[i] = status;
        }

        await using (var write = new NpgsqlBatch(connection, npgsqlTransaction))
        {
            write.BatchCommands.Add(Command(MoveSql,
                new NpgsqlParameter<DateTimeOffset>("now", now),
                new NpgsqlParameter<Guid[]>("ids", due.ConvertAll(task => task.Id).ToArray()),
                new NpgsqlParameter<string[]>("statuses", statuses)));
            write.BatchCommands.Add(events.InsertCommand());
            write.BatchCommands.Add(NextDueCommand(settings));
            await using var reader = await write.ExecuteReaderAsync(cancellationToken);
            nextDue = await ReadNextDueAsync(reader, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (due.Count, nextDue);
    }

    private static NpgsqlBatchCommand NextDueCommand(TaskWorkerOptions settings) => Command(NextDueSql,
        new NpgsqlParameter<TimeSpan>("start_delay", settings.StartDelay),
        new NpgsqlParameter<TimeSpan>("run_duration", settings.RunDuration));

    /// <summary>The next due time from the batch's first query result at or after the reader's position (the reader skips statements that return no rows).</summary>
    private static async Task<DateTimeOffset?> ReadNextDueAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        while (reader.FieldCount == 0 && await reader.NextResultAsync(cancellationToken))
        {
        }

        return await reader.ReadAsync(cancellationToken) && !await reader.IsDBNullAsync(0, cancellationToken)
            ? reader.GetFieldValue<DateTimeOffset>(0)
            : null;
    }

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    /// <summary>How long until <paramref name="nextDue"/>, at most the safety-net interval, never negative.</summary>
    private TimeSpan Until(DateTimeOffset? nextDue)
    {
        var safetyNet = options.Value.SafetyNetInterval;
        var wait = nextDue is { } due ? due - time.GetUtcNow() : safetyNet;
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > safetyNet ? safetyNet : wait;
    }

    /// <summary>What a claimed task's events need.</summary>
    private sealed record DueTask(Guid Id, string Status, string AgentId, string TenantId, string TaskType, string? RequestId, string? TraceParent);

    /// <summary>A round's outbox rows, as the columns of one multi-row insert.</summary>
    private sealed class RoundEvents(DateTimeOffset now)
    {
        private readonly List<Guid> eventIds = [];
        private readonly List<string> types = [];
        private readonly List<string> agentIds = [];
        private readonly List<string> tenantIds = [];
        private readonly List<string> data = [];
        private readonly List<string?> requestIds = [];
        private readonly List<string?> traceParents = [];

        /// <summary>An event of <paramref name="task"/>, continuing the worker step's span, or the request's when there is none.</summary>
        public void Add<T>(DueTask task, string type, T eventData, string? stepTraceParent)
        {
            eventIds.Add(Guid.CreateVersion7(now));
            types.Add(type);
            agentIds.Add(task.AgentId);
            tenantIds.Add(task.TenantId);
            data.Add(JsonSerializer.Serialize(eventData));
            requestIds.Add(task.RequestId);
            traceParents.Add(stepTraceParent ?? task.TraceParent);
        }

        public NpgsqlBatchCommand InsertCommand() => Command(InsertEventsSql,
            new NpgsqlParameter<DateTimeOffset>("now", now),
            new NpgsqlParameter<Guid[]>("event_ids", [.. eventIds]),
            new NpgsqlParameter<string[]>("types", [.. types]),
            new NpgsqlParameter<string[]>("agent_ids", [.. agentIds]),
            new NpgsqlParameter<string[]>("tenant_ids", [.. tenantIds]),
            new NpgsqlParameter<string[]>("data", [.. data]),
            new NpgsqlParameter<string?[]>("request_ids", [.. requestIds]),
            new NpgsqlParameter<string?[]>("trace_parents", [.. traceParents]));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task worker round failed; retrying in {Delay}")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception, TimeSpan delay);
}
