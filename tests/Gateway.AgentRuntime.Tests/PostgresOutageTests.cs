using AgentCore.Gateway.Contracts;

namespace AgentCore.Samples.AgentRuntime.Tests;

public sealed class PostgresOutageTests(AgentRuntimeFixture runtime) : IClassFixture<AgentRuntimeFixture>
{
    /// <summary>Longer than the execution strategy's quick retries (two, at most a second apart), so a round runs out of them.</summary>
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task The_worker_and_the_relay_outlast_a_PostgreSQL_outage_longer_than_their_retries_and_finish_the_task_afterwards()
    {
        using var client = runtime.CreateClient();
        var taskId = await OutboxTests.CreateTaskAsync(client);

        // The task is due at once and runs for 200 ms: the worker's and the relay's next rounds meet the outage.
        await runtime.Postgres.StopAsync();
        try
        {
            await Task.Delay(Outage, TestContext.Current.CancellationToken);
        }
        finally
        {
            await runtime.Postgres.StartAgainAsync();
        }

        // The loops wake on their own (retry delay) and finish what they started; the host still serves.
        await Eventually.HoldsAsync(
            async () => (await Eventually.PublishedEventTypesAsync(runtime.RedisClient, taskId)).Count == 3,
            TimeSpan.FromSeconds(30),
            "the task's three events are published after PostgreSQL is back");
        Assert.Equal(
            [AgentEventTypes.AgentStatusChanged, AgentEventTypes.TaskCompleted, AgentEventTypes.AgentStatusChanged],
            await Eventually.PublishedEventTypesAsync(runtime.RedisClient, taskId));
        await OutboxTests.CreateTaskAsync(client);
    }
}
