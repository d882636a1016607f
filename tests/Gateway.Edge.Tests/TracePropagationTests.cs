using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace AgentCore.Gateway.Edge.Tests;

/// <summary>The Edge with a trace exporter configured (nothing listens there; the spans are dropped on export).</summary>
public sealed class TracedEdgeFixture : EdgeFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } =
        new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9" };
}

public sealed class TracePropagationTests(EdgeFixture edge, TracedEdgeFixture tracedEdge)
    : IClassFixture<EdgeFixture>, IClassFixture<TracedEdgeFixture>
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string CallerTraceParent = "00-" + TraceId + "-b7ad6b7169203331-01";

    [Fact]
    public async Task Without_tracing_the_backend_gets_the_caller_s_traceparent_as_it_came()
    {
        var traceParent = await ForwardedTraceParentAsync(edge, CallerTraceParent);

        Assert.Equal(CallerTraceParent, traceParent);
    }

    [Fact]
    public async Task Without_tracing_the_edge_adds_no_traceparent_of_its_own()
    {
        var traceParent = await ForwardedTraceParentAsync(edge, callerTraceParent: null);

        Assert.Equal("", traceParent);
    }

    [Fact]
    public async Task With_tracing_the_backend_gets_the_caller_s_trace_continued_by_the_edge_s_span()
    {
        var traceParent = await ForwardedTraceParentAsync(tracedEdge, CallerTraceParent);

        var parts = traceParent.Split('-');
        Assert.Equal(4, parts.Length);
        Assert.Equal(TraceId, parts[1]);
        Assert.NotEqual("b7ad6b7169203331", parts[2]);
    }

    private static async Task<string> ForwardedTraceParentAsync(EdgeFixture target, string? callerTraceParent)
    {
        // A client that adds no trace context itself, whatever listens in this test process.
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = target.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/agents/agent-1/tasks");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", target.ValidToken());
        if (callerTraceParent is not null)
        {
            request.Headers.Add("traceparent", callerTraceParent);
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return echo.GetProperty("traceparent").GetString()!;
    }
}
