using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AgentCore.Gateway.ServiceDefaults.Telemetry;

/// <summary>OpenTelemetry traces, metrics and logs: OTLP to the Aspire dashboard when configured, and Prometheus.</summary>
internal static class TelemetryExtensions
{
    /// <summary>The meter and activity-source prefix of the gateway's own instruments.</summary>
    public const string GatewayInstrumentationPrefix = "AgentCore.Gateway.";

    public static void ConfigureGatewayTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(GatewayInstrumentationPrefix + "*")
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(GatewayInstrumentationPrefix + "*")
                .AddAspNetCoreInstrumentation(aspnet =>
                    aspnet.Filter = context => !IsInfrastructurePath(context.Request.Path))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }
    }

    private static bool IsInfrastructurePath(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/alive")
        || path.StartsWithSegments("/ready") || path.StartsWithSegments("/metrics");
}
