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

    private async Task<long> UnsentEventsAsync(Guid taskId)
    {
        await using var connection = new NpgsqlConnection(runtime.DatabaseConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM outbox WHERE sent_at IS NULL AND data->>'task_id' = @task", connection);
        command.Parameters.AddWithValue("task", taskId.ToString());
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
