using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace AgentCore.Gateway.Edge.Resilience;

/// <summary>YARP's own client for each cluster, with <see cref="ConnectRetryHandler"/> in front of the socket handler.</summary>
internal sealed class RetryingForwarderHttpClientFactory(
    ILogger<ForwarderHttpClientFactory> logger,
    IOptions<ResilienceOptions> options,
    TimeProvider time,
    EdgeProxyMetrics metrics) : ForwarderHttpClientFactory(logger)
{
    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new ConnectRetryHandler(options, time, metrics) { InnerHandler = base.WrapHandler(context, handler) };
}
