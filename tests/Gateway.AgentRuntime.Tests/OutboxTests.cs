using System.Net;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using Npgsql;

namespace AgentCore.Samples.AgentRuntime.Tests;

public sealed class OutboxTests(AgentRuntimeFixture runtime) : IClassFixture<AgentRuntimeFixture>
{
    [Fact]
    public async Task Events_of_a_task_completed_while_redis_was_down_are_published_once_it_is_back()
    {
        await runtime.Redis.StopAsync();
        Guid taskId;
        try
        {
            using var client = runtime.CreateClient();
            using var response = await TaskApiTests.PostAsync(client, "agent-1", """{"task_type":"analyze","input_data":{}}""");
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            taskId = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("task_id").GetGuid();

            // The task completes without Redis; its events wait in the outbox.
            await Eventually.HoldsAsync(async () => await UnsentEventsAsync(taskId) >= 3, TimeSpan.FromSeconds(30), "the task's three events wait in the outbox");
        }
        finally
        {
            await runtime.Redis.StartAgainAsync();
        }

        await Eventually.HoldsAsync(async () => await UnsentEventsAsync(taskId) == 0, TimeSpan.FromSeconds(30), "the outbox is drained");
        var types = await Eventually.PublishedEventTypesAsync(runtime.RedisClient, taskId);
        Assert.Equal([AgentEventTypes.AgentStatusChanged, AgentEventTypes.TaskCompleted, AgentEventTypes.AgentStatusChanged], types);
    }

    [Fact]
    public async Task Events_published_again_after_a_crash_before_they_were_marked_sent_are_in_the_stream_once()
    {
        using var client = runtime.CreateClient();
        var taskId = await CreateTaskAsync(client);
        await Eventually.HoldsAsync(async () => await SentEventsAsync(taskId) == 3, TimeSpan.FromSeconds(30), "the task's three events are published");

        // A relay that crashed after Redis took the events and before it marked them sent leaves them looking unsent.
        await QueryAsync("UPDATE outbox SET sent_at = NULL WHERE data->>'task_id' = @task", taskId);
        Assert.Equal(3, await UnsentEventsAsync(taskId));

        // The next commit wakes the relay, which publishes the whole unsent outbox again, ours included.
        var next = await CreateTaskAsync(client);
        await Eventually.HoldsAsync(async () => await UnsentEventsAsync(taskId) == 0 && await SentEventsAsync(next) == 3, TimeSpan.FromSeconds(30), "the outbox is drained again");

        var types = await Eventually.PublishedEventTypesAsync(runtime.RedisClient, taskId);
        Assert.Equal([AgentEventTypes.AgentStatusChanged, AgentEventTypes.TaskCompleted, AgentEventTypes.AgentStatusChanged], types);
    }

    internal static async Task<Guid> CreateTaskAsync(HttpClient client)
    {
        using var response = await TaskApiTests.PostAsync(client, "agent-1", """{"task_type":"analyze","input_data":{}}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("task_id").GetGuid();
    }

    private async Task<long> UnsentEventsAsync(Guid taskId) => (long)(await QueryAsync("SELECT count(*) FROM outbox WHERE sent_at IS NULL AND data->>'task_id' = @task", taskId))!;

    private async Task<long> SentEventsAsync(Guid taskId) => (long)(await QueryAsync("SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL AND data->>'task_id' = @task", taskId))!;

    /// <summary>Runs <paramref name="sql"/> on the runtime's database with <c>@task</c> bound to <paramref name="taskId"/>.</summary>
    private async Task<object?> QueryAsync(string sql, Guid taskId)
    {
        await using var connection = new NpgsqlConnection(runtime.DatabaseConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("task", taskId.ToString());
        return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }
}
