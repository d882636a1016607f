using AgentCore.Gateway.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace AgentCore.Gateway.Edge.Resilience;

/// <summary>
/// YARP's own client for each cluster, with <see cref="ConnectRetryHandler"/> in front of the socket handler. When this
/// process records no traces (<see cref="GatewayTracing"/>), the client gets no activity propagator, so it carries no
/// <c>DiagnosticsHandler</c>: no client <c>Activity</c> and no <c>traceparent</c> of the Edge's own per request. The
/// caller's <c>traceparent</c>, if any, is still forwarded as it came; with tracing on, YARP's propagator continues the trace.
/// </summary>
internal sealed class RetryingForwarderHttpClientFactory(
    ILogger<ForwarderHttpClientFactory> logger,
    IOptions<ResilienceOptions> options,
    IConfiguration configuration,
    TimeProvider time,
    EdgeProxyMetrics metrics) : ForwarderHttpClientFactory(logger)
{
    private readonly bool _tracing = GatewayTracing.IsEnabled(configuration);

    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        if (!_tracing)
        {
            handler.ActivityHeadersPropagator = null;
        }
    }

    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new ConnectRetryHandler(options, time, metrics) { InnerHandler = base.WrapHandler(context, handler) };
}
