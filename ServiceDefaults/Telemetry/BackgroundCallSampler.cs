using System.Diagnostics;
using OpenTelemetry.Trace;

namespace AgentCore.Gateway.ServiceDefaults.Telemetry;

/// <summary>
/// Decides about new traces only (it sits under a <see cref="ParentBasedSampler"/>): a trace that would begin with an
/// outgoing call (a database query, a Redis command, an HTTP request; <see cref="ActivityKind.Client"/>) is dropped,
/// because nothing started it but a background loop polling, and such traces bury the request traces on the
/// dashboard. The same calls made inside a request, or inside a job that starts its own span, have a parent and are
/// recorded as before.
/// </summary>
internal sealed class BackgroundCallSampler(Sampler newTraces) : Sampler
{
    private static readonly SamplingResult Dropped = new(SamplingDecision.Drop);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.Kind == ActivityKind.Client ? Dropped : newTraces.ShouldSample(samplingParameters);
}
