using System.Text.Json;
using AgentCore.Gateway.Contracts;
using Npgsql;

namespace AgentCore.Samples.AgentRuntime.Tests;

public sealed class BatchRoundTests(AgentRuntimeFixture runtime) : IClassFixture<AgentRuntimeFixture>
{
    private const int TaskCount = 20;

    [Fact]
    public async Task Tasks_committed_together_move_in_one_round_and_each_event_reaches_the_stream_once_in_order()
    {
        var tasks = await CreateTasksInOneTransactionAsync();

        await Eventually.HoldsAsync(
            async () => (await StreamEventsAsync(tasks)).Count == 3 * TaskCount,
            TimeSpan.FromSeconds(30),
            $"the {3 * TaskCount} events of the {TaskCount} tasks are published");
        await Task.Delay(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken);

        var events = await StreamEventsAsync(tasks);
        Assert.Equal(3 * TaskCount, events.Count);
        Assert.All(tasks, task => Assert.Equal(
            [AgentEventTypes.AgentStatusChanged, AgentEventTypes.TaskCompleted, AgentEventTypes.AgentStatusChanged],
            events.Where(e => e.TaskId == task).Select(e => e.Type)));

        // One round started them all (a round stamps its events with one time), in the order they were created.
        var started = events.Where(e => e.Type == AgentEventTypes.AgentStatusChanged && e.Status == "busy").ToList();
        Assert.Equal(tasks, started.Select(e => e.TaskId));
        Assert.Single(started.Select(e => e.Timestamp).Distinct());
    }

    /// <summary>Tasks created oldest first, committed in one transaction, so a single commit notification announces them all.</summary>
    private async Task<List<Guid>> CreateTasksInOneTransactionAsync()
    {
        await using var connection = new NpgsqlConnection(runtime.DatabaseConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand($"""
            INSERT INTO tasks (id, agent_id, tenant_id, task_type, input_data, priority, status, created_at, estimated_completion)
            SELECT gen_random_uuid(), 'agent-1', 'acme', 'batch', '{"{}"}', 'normal', 'created', now() - interval '1 second' + n * interval '1 millisecond', now()
            FROM generate_series(1, {TaskCount}) AS n
            RETURNING id, created_at
            """, connection);
        var created = new List<(Guid Id, DateTime CreatedAt)>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            created.Add((reader.GetGuid(0), reader.GetDateTime(1)));
        }

        return [.. created.OrderBy(task => task.CreatedAt).Select(task => task.Id)];
    }

    private async Task<List<(Guid TaskId, string Type, string? Status, DateTimeOffset Timestamp)>> StreamEventsAsync(List<Guid> tasks)
    {
        var entries = await runtime.RedisClient.GetDatabase().StreamRangeAsync(StreamNames.AgentEvents);
        return [.. entries
            .Select(entry => JsonDocument.Parse(entry[StreamNames.PayloadField].ToString()).RootElement)
            .Select(payload => (
                TaskId: payload.GetProperty("data").GetProperty("task_id").GetGuid(),
                Type: payload.GetProperty("type").GetString()!,
                Status: payload.GetProperty("data").TryGetProperty("status", out var status) ? status.GetString() : null,
                Timestamp: payload.GetProperty("timestamp").GetDateTimeOffset()))
            .Where(e => tasks.Contains(e.TaskId))];
    }
}
