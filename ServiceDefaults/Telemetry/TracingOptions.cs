using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.ServiceDefaults.Telemetry;

/// <summary>
/// Which requests are traced (section <c>Telemetry:Tracing</c>). Traces are only collected when there is somewhere to
/// send them (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>); without an exporter no span is recorded at all.
/// </summary>
public sealed class TracingOptions
{
    public const string SectionName = "Telemetry:Tracing";

    /// <summary>
    /// The share of new traces recorded, from 0 to 1; a request that arrives with a sampled parent
    /// (<c>traceparent</c>) is always recorded, so a trace is never cut in half. Default 1 (every request).
    /// Ignored when the standard <c>OTEL_TRACES_SAMPLER</c> setting chooses the sampler.
    /// </summary>
    [Range(0.0, 1.0)]
    public double SamplingRatio { get; set; } = 1.0;
}
