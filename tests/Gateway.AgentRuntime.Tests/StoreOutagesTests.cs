namespace AgentCore.Samples.AgentRuntime.Tests;

/// <summary>An outage of both stores at once, on a runtime of its own (the other outage tests' pooled connections stay theirs).</summary>
public sealed class StoreOutagesTests(AgentRuntimeFixture runtime) : IClassFixture<AgentRuntimeFixture>
{
    [Fact]
    public async Task A_Redis_reconnection_during_a_PostgreSQL_outage_does_not_stop_the_runtime()
    {
        // The reconnection makes the agent directory republish from the database, which is away: that pass must fail
        // as an outage (retried later), not stop the host.
        await runtime.Postgres.StopAsync();
        try
        {
            await runtime.Redis.StopAsync();
            await runtime.Redis.StartAgainAsync();
            await Task.Delay(TimeSpan.FromSeconds(8), TestContext.Current.CancellationToken);
        }
        finally
        {
            await runtime.Postgres.StartAgainAsync();
        }

        using var client = runtime.CreateClient();
        var taskId = await OutboxTests.CreateTaskAsync(client);
        await Eventually.HoldsAsync(
            async () => (await Eventually.PublishedEventTypesAsync(runtime.RedisClient, taskId)).Count == 3,
            TimeSpan.FromSeconds(30),
            "a task created after the outage is run and its events published");
    }
}
