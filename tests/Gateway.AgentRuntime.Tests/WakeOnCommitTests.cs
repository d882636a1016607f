using System.Diagnostics;
using System.Net;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Samples.AgentRuntime.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

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

    [Fact]
    public async Task The_relay_reads_the_outbox_once_per_commit_of_events()
    {
        using var client = runtime.CreateClient();
        await CompletesAsync(client);
        var port = new NpgsqlConnectionStringBuilder(runtime.DatabaseConnectionString).Port;
        var reads = 0;
        using var outboxReads = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = query =>
            {
                if (Equals(query.GetTagItem("server.port"), port)
                    && query.GetTagItem("db.query.text") is string text && text.Contains("FROM outbox", StringComparison.Ordinal)
                    && text.Contains("sent_at IS NULL", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref reads);
                }
            },
        };
        ActivitySource.AddActivityListener(outboxReads);
        await Task.Delay(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken);
        Volatile.Write(ref reads, 0);

        // The task's start and its completion (0.2 s later) are two commits of events: two wake-ups, two reads.
        await CompletesAsync(client);
        await Task.Delay(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken);

        Assert.Equal(2, Volatile.Read(ref reads));
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
