using Microsoft.Extensions.Configuration;

namespace AgentCore.Gateway.ServiceDefaults.Telemetry;

/// <summary>Whether this process records traces: only when there is an exporter to send them to.</summary>
public static class GatewayTracing
{
    private const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>True when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; without it no span is recorded at all.</summary>
    public static bool IsEnabled(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]);
}
