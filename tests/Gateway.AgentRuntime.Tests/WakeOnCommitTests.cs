using System.Net;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Samples.AgentRuntime.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentCore.Samples.AgentRuntime.Tests;

public sealed class WakeOnCommitTests(AgentRuntimeFixture runtime) : IClassFixture<AgentRuntimeFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_new_task_is_run_and_its_events_published_on_commit_without_waiting_for_the_safety_net_poll()
    {
        var settings = runtime.Services.GetRequiredService<IOptions<TaskWorkerOptions>>().Value;
        Assert.True(settings.SafetyNetInterval >= 10 * Patience, "the safety-net poll must be far slower than the test's patience");
        using var client = runtime.CreateClient();

        // The first task may be picked up by the loops' start-up rounds; once its events are out, both loops sleep.
        await CompletesAsync(client);

        // Only a wake-up on commit (the task's insert, then the worker's own) can move this one within the test's patience.
        await CompletesAsync(client);
    }

    private async Task CompletesAsync(HttpClient client)
    {
        using var response = await TaskApiTests.PostAsync(client, "agent-1", """{"task_type":"analyze","input_data":{}}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var taskId = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("task_id").GetGuid();

        await Eventually.HoldsAsync(
            async () => (await Eventually.PublishedEventTypesAsync(runtime.RedisClient, taskId)).Count == 3,
            Patience,
            "the task's three events are published");
        Assert.Equal(
            [AgentEventTypes.AgentStatusChanged, AgentEventTypes.TaskCompleted, AgentEventTypes.AgentStatusChanged],
            await Eventually.PublishedEventTypesAsync(runtime.RedisClient, taskId));
    }
}
