using System.Diagnostics;

namespace AgentCore.Samples.AgentRuntime.Worker;

/// <summary>
/// Carries a request's trace through the database: the request stores its W3C <c>traceparent</c> with the task, the
/// worker continues that trace when it moves the task and stores it with each event, and the relay continues it when
/// it publishes the event. Work without a stored trace starts no span, so idle rounds leave no traces.
/// </summary>
internal static class WorkerTracing
{
    public const string SourceName = "AgentCore.Gateway.AgentRuntime";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>The current span's <c>traceparent</c>, to be stored with the row the request writes.</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>A span continuing the trace stored with a row; null when the row has none or nobody listens.</summary>
    public static Activity? StartFrom(string? traceParent, string name, ActivityKind kind) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, traceState: null, isRemote: true, out var parent)
            ? Source.StartActivity(name, kind, parent)
            : null;
}
