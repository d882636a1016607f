using AgentCore.Gateway.Contracts;
using Npgsql;

namespace AgentCore.Gateway.Resilience.Tests.Stack;

/// <summary>What the stack's databases hold, read directly: the truth a fault must not have bent.</summary>
public static class StackDatabases
{
    /// <summary>The tasks of one load run (<c>input_data.run</c>) by status.</summary>
    public static async Task<Dictionary<string, long>> TasksOfRunAsync(ResilienceStackFixture stack, string run)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var connection = await OpenAsync(stack, ServiceNames.AgentsDatabase);
        await using var command = new NpgsqlCommand("SELECT status, count(*) FROM tasks WHERE input_data->>'run' = @run GROUP BY status", connection);
        command.Parameters.AddWithValue("run", run);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    /// <summary>How many audit records of <paramref name="type"/> the trail holds for each of <paramref name="requestIds"/>.</summary>
    public static async Task<Dictionary<string, long>> AuditRecordsAsync(ResilienceStackFixture stack, string type, IReadOnlyCollection<string> requestIds)
    {
        var counts = requestIds.ToDictionary(id => id, _ => 0L, StringComparer.Ordinal);
        await using var connection = await OpenAsync(stack, ServiceNames.AuditDatabase);
        await using var command = new NpgsqlCommand(
            "SELECT request_id, count(*) FROM audit_events WHERE type = @type AND request_id = ANY(@ids) GROUP BY request_id", connection);
        command.Parameters.AddWithValue("type", type);
        command.Parameters.AddWithValue("ids", requestIds.ToArray());
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    /// <summary>
    /// A connection of its own, never from a pool: a pooled one may be a connection that a PostgreSQL restart of an
    /// earlier fault has already terminated (57P01), which says nothing about the stack.
    /// </summary>
    private static async Task<NpgsqlConnection> OpenAsync(ResilienceStackFixture stack, string database)
    {
        var settings = new NpgsqlConnectionStringBuilder(await stack.ConnectionStringAsync(database)) { Pooling = false };
        var connection = new NpgsqlConnection(settings.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }
}
