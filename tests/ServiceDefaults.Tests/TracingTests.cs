using System.Diagnostics;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;

namespace AgentCore.Gateway.ServiceDefaults.Tests;

public sealed class TracingTests
{
    [Fact]
    public void Without_an_exporter_no_tracer_provider_listens()
    {
        using var app = Build();

        Assert.Null(app.Services.GetService<TracerProvider>());
    }

    [Fact]
    public void With_an_exporter_the_sampling_ratio_decides_which_new_traces_are_recorded()
    {
        using var app = Build(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1"), ("Telemetry:Tracing:SamplingRatio", "0"));
        _ = app.Services.GetRequiredService<TracerProvider>();
        using var source = new ActivitySource("AgentCore.Gateway.Tests");

        using var root = source.StartActivity("unsampled root");
        Assert.True(root is null || !root.Recorded);

        var sampledParent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        using var child = source.StartActivity("child of a sampled parent", ActivityKind.Server, sampledParent);
        Assert.NotNull(child);
        Assert.True(child.Recorded);
    }

    [Fact]
    public void An_outgoing_call_that_starts_no_trace_of_its_own_is_dropped_and_the_same_call_inside_a_trace_is_recorded()
    {
        using var app = Build(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1"));
        _ = app.Services.GetRequiredService<TracerProvider>();
        using var source = new ActivitySource("AgentCore.Gateway.Tests");

        using (var poll = source.StartActivity("a background loop's query", ActivityKind.Client))
        {
            Assert.True(poll is null || !poll.Recorded);
        }

        using var job = source.StartActivity("a job with its own span");
        using var query = source.StartActivity("the job's query", ActivityKind.Client);
        Assert.NotNull(job);
        Assert.True(job.Recorded);
        Assert.NotNull(query);
        Assert.True(query.Recorded);
    }

    [Fact]
    public void A_sampling_ratio_outside_zero_to_one_is_refused_at_start()
    {
        using var app = Build(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1"), ("Telemetry:Tracing:SamplingRatio", "1.5"));

        Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IStartupValidator>().Validate());
    }

    private static WebApplication Build(params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        foreach (var (key, value) in settings)
        {
            builder.Configuration[key] = value;
        }

        builder.AddServiceDefaults();
        return builder.Build();
    }
}
