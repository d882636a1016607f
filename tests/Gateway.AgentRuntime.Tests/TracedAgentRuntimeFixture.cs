using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace AgentCore.Samples.AgentRuntime.Tests;

/// <summary>
/// The runtime with tracing on (an OTLP endpoint nobody answers) and every recorded span kept in memory, with a 50 ms
/// safety-net poll so that its idle loops query PostgreSQL many times a second.
/// </summary>
public sealed class TracedAgentRuntimeFixture : AgentRuntimeFixture
{
    public SpanRecorder Spans { get; } = new();

    protected override void Configure(IWebHostBuilder web)
    {
        web.UseSetting("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9");
        web.UseSetting("TaskWorker:SafetyNetInterval", "00:00:00.050");
        web.ConfigureServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(Spans)));
    }
}

/// <summary>The spans the tracer provider recorded, as the exporter would receive them.</summary>
public sealed class SpanRecorder : BaseProcessor<Activity>
{
    private readonly ConcurrentQueue<Activity> ended = new();

    public IReadOnlyList<Activity> Ended => [.. ended];

    public void Clear() => ended.Clear();

    public override void OnEnd(Activity data)
    {
        if (data.Recorded)
        {
            ended.Enqueue(data);
        }
    }
}

/// <summary>Tracing tests run alone: a tracer provider records every instrumented library in the process, not one host's.</summary>
[CollectionDefinition(nameof(TracingRunsAlone), DisableParallelization = true)]
public sealed class TracingRunsAlone : ICollectionFixture<TracedAgentRuntimeFixture>;
