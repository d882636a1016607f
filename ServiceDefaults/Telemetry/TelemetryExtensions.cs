using AgentCore.Gateway.ServiceDefaults.Management;
using AgentCore.Gateway.ServiceDefaults.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AgentCore.Gateway.ServiceDefaults.Telemetry;

/// <summary>
/// OpenTelemetry metrics (Prometheus, and OTLP when configured), logs, and traces when an OTLP endpoint is configured:
/// recording spans that no exporter ever reads would cost every request CPU for nothing.
/// </summary>
internal static class TelemetryExtensions
{
    /// <summary>The meter and activity-source prefix of the gateway's own instruments.</summary>
    public const string GatewayInstrumentationPrefix = "AgentCore.Gateway.";

    private const string SamplerSetting = "OTEL_TRACES_SAMPLER";

    /// <summary>
    /// Instruments the framework updates on every request that no dashboard or alert reads (deploy/grafana,
    /// deploy/prometheus): dropped by view, so the framework sees them disabled and skips the work (the Edge's profile
    /// had metrics at ~4 % of its CPU). <c>http.server.request.duration</c> and the connection instruments stay.
    /// </summary>
    internal static readonly string[] UngraphedPerRequestInstruments =
    [
        "http.server.active_requests",
        "aspnetcore.routing.match_attempts",
        "http.client.request.duration",
        "http.client.active_requests",
        "http.client.request.time_in_queue",
        "http.client.open_connections",
    ];

    public static void ConfigureGatewayTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.AddValidatedOptions<TracingOptions>(TracingOptions.SectionName);
        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter(GatewayInstrumentationPrefix + "*")
                    .AddPrometheusExporter();
                foreach (var instrument in UngraphedPerRequestInstruments)
                {
                    metrics.AddView(instrument, MetricStreamConfiguration.Drop);
                }
            });

        if (!GatewayTracing.IsEnabled(builder.Configuration))
        {
            return;
        }

        telemetry
            .WithTracing(tracing =>
            {
                tracing
                    .AddSource(builder.Environment.ApplicationName)
                    .AddSource(GatewayInstrumentationPrefix + "*")
                    .AddAspNetCoreInstrumentation(aspnet =>
                        aspnet.Filter = context => !ManagementEndpoints.IsManagementPath(context.Request.Path))
                    .AddHttpClientInstrumentation();
                if (string.IsNullOrWhiteSpace(builder.Configuration[SamplerSetting]))
                {
                    tracing.SetSampler(provider => new ParentBasedSampler(new BackgroundCallSampler(
                        new TraceIdRatioBasedSampler(provider.GetRequiredService<IOptions<TracingOptions>>().Value.SamplingRatio))));
                }
            })
            .UseOtlpExporter();
    }
}
