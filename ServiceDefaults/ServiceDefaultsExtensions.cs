using AgentCore.Gateway.ServiceDefaults.Correlation;
using AgentCore.Gateway.ServiceDefaults.Errors;
using AgentCore.Gateway.ServiceDefaults.Health;
using AgentCore.Gateway.ServiceDefaults.Management;
using AgentCore.Gateway.ServiceDefaults.Options;
using AgentCore.Gateway.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace AgentCore.Gateway.ServiceDefaults;

/// <summary>
/// What every AgentCore Gateway service shares: telemetry to the dashboard and to Prometheus, health endpoints,
/// service discovery, resilient HttpClients, request correlation and the error envelope.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureGatewayTelemetry();
        builder.AddValidatedOptions<ManagementOptions>(ManagementOptions.SectionName);

        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [HealthEndpointExtensions.LiveTag]);

        builder.Services.AddServiceDiscovery();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddTransient<RequestIdForwardingHandler>();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddHttpMessageHandler<RequestIdForwardingHandler>();
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>
    /// Request correlation, the error envelope, and the separation of the management port; call first in the pipeline
    /// so they wrap everything.
    /// </summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseErrorEnvelope();
        app.UseMiddleware<ManagementEndpoints.PortMiddleware>();
        return app;
    }

    /// <summary>
    /// Health (<c>/health</c>, <c>/ready</c>, <c>/alive</c>) and Prometheus (<c>/metrics</c>) endpoints, on the management
    /// port when one is configured (<see cref="ManagementOptions"/>).
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthEndpoints();
        app.MapPrometheusScrapingEndpoint("/metrics").DisableHttpMetrics();
        return app;
    }
}
