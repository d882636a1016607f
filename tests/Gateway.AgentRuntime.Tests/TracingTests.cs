using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace AgentCore.Samples.AgentRuntime.Tests;

[Collection(nameof(TracingRunsAlone))]
public sealed class TracingTests(TracedAgentRuntimeFixture runtime)
{
    [Fact]
    public async Task Idle_background_loops_record_no_traces()
    {
        await Task.Delay(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken);
        runtime.Spans.Clear();
        var queries = 0;
        using var queryCounter = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            // Propagation only: counting must not make the tracer record anything it would not record anyway.
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
            ActivityStarted = _ => Interlocked.Increment(ref queries),
        };
        ActivitySource.AddActivityListener(queryCounter);

        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);

        Assert.True(Volatile.Read(ref queries) >= 5, $"the idle loops ran only {queries} queries");
        var roots = runtime.Spans.Ended.Where(span => span.ParentSpanId == default).Select(span => $"{span.Source.Name}: {span.DisplayName}");
        Assert.Empty(roots);
    }

    [Fact]
    public async Task A_tasks_events_are_published_in_the_trace_of_the_request_that_created_it()
    {
        using var client = runtime.CreateClient();
        using var caller = new Activity("test caller").SetIdFormat(ActivityIdFormat.W3C);
        caller.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        caller.Start();
        Guid taskId;
        using (var response = await TaskApiTests.PostAsync(client, "agent-1", """{"task_type":"analyze","input_data":{}}"""))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            taskId = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("task_id").GetGuid();
        }

        caller.Stop();
        var traceId = caller.TraceId;
        List<Activity> Trace() => [.. runtime.Spans.Ended.Where(span => span.TraceId == traceId)];
        await Eventually.HoldsAsync(
            () => Trace().Count(span => span.DisplayName.StartsWith("publish ", StringComparison.Ordinal)) == 3,
            TimeSpan.FromSeconds(30),
            $"three publications of task {taskId} in the request's trace");

        var trace = Trace();
        Assert.Contains(trace, span => span.Kind == ActivityKind.Server);
        Assert.Contains(trace, span => span.DisplayName == "task started");
        Assert.Contains(trace, span => span.DisplayName == "task completed");
        // Each publication continues the worker's step that wrote the event (the relay marks a whole batch sent in one
        // statement, which belongs to no single request's trace).
        var steps = trace.Where(span => span.DisplayName is "task started" or "task completed").Select(span => span.SpanId).ToList();
        var publications = trace.Where(span => span.DisplayName.StartsWith("publish ", StringComparison.Ordinal)).ToList();
        Assert.All(publications, publication =>
        {
            Assert.Equal(ActivityKind.Producer, publication.Kind);
            Assert.Contains(publication.ParentSpanId, steps);
        });
    }
}
