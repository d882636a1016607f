using Yarp.ReverseProxy.Forwarder;

namespace AgentCore.Gateway.Edge.Resilience;

internal static class ResilienceExtensions
{
    /// <summary>
    /// Connection retries for idempotent requests, per-route timeouts (YARP route <c>Timeout</c>), envelopes and
    /// metrics for forwarding failures. Load balancing and the per-destination circuit breaker (passive health,
    /// <c>TransportFailureRate</c>) are YARP's, configured per cluster.
    /// </summary>
    public static IHostApplicationBuilder AddEdgeResilience(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<ResilienceOptions>(ResilienceOptions.SectionName);
        builder.Services.AddSingleton<EdgeProxyMetrics>();
        builder.Services.AddSingleton<IForwarderHttpClientFactory, RetryingForwarderHttpClientFactory>();
        builder.Services.AddRequestTimeouts();
        return builder;
    }

    /// <summary>After routing: the per-route timeouts YARP routes declare.</summary>
    public static WebApplication UseEdgeTimeouts(this WebApplication app)
    {
        app.UseRequestTimeouts();
        return app;
    }

    /// <summary>Inside the proxy pipeline, so it sees YARP's error for each request.</summary>
    public static IApplicationBuilder UseForwarderErrorEnvelope(this IApplicationBuilder proxy)
    {
        proxy.UseMiddleware<ForwarderErrorMiddleware>();
        return proxy;
    }
}
