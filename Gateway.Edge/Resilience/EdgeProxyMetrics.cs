using System.Diagnostics.Metrics;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace AgentCore.Gateway.Edge.Resilience;

/// <summary>
/// The Edge's resilience as metrics: proxy errors by kind, connection retries, and how many destinations each
/// cluster can currently use, and how many circuit breakers (passive health) are open.
/// </summary>
internal sealed class EdgeProxyMetrics : IDisposable
{
    public const string MeterName = "AgentCore.Gateway.Edge";

    private readonly Meter meter;
    private readonly Counter<long> errors;
    private readonly Counter<long> retries;

    public EdgeProxyMetrics(IMeterFactory meterFactory, IServiceProvider services)
    {
        meter = meterFactory.Create(MeterName);
        errors = meter.CreateCounter<long>("gateway.edge.proxy.errors", description: "Requests the Edge could not forward, by cluster and YARP error.");
        retries = meter.CreateCounter<long>("gateway.edge.proxy.connect_retries", description: "Idempotent requests retried after a failed connection.");
        meter.CreateObservableGauge(
            "gateway.edge.cluster.available_destinations",
            () => Available(services.GetService<IProxyStateLookup>()),
            description: "Destinations of each cluster that are healthy to both active and passive checks.");
        meter.CreateObservableGauge(
            "gateway.edge.cluster.open_breakers",
            () => OpenBreakers(services.GetService<IProxyStateLookup>()),
            description: "Destinations of each cluster whose circuit breaker (passive health) is open: the Edge sends them nothing until reactivation.");
    }

    public void RecordError(string? clusterId, ForwarderError error) =>
        errors.Add(1, new KeyValuePair<string, object?>("cluster", clusterId ?? "none"), new KeyValuePair<string, object?>("error", error.ToString()));

    public void RecordRetry(string method) => retries.Add(1, new KeyValuePair<string, object?>("method", method));

    private static IEnumerable<Measurement<int>> Available(IProxyStateLookup? proxyState) =>
        proxyState?.GetClusters().Select(cluster => new Measurement<int>(
            cluster.DestinationsState.AllDestinations.Count(destination =>
                destination.Health.Active != DestinationHealth.Unhealthy && destination.Health.Passive != DestinationHealth.Unhealthy),
            new KeyValuePair<string, object?>("cluster", cluster.ClusterId))) ?? [];

    private static IEnumerable<Measurement<int>> OpenBreakers(IProxyStateLookup? proxyState) =>
        proxyState?.GetClusters().Select(cluster => new Measurement<int>(
            cluster.DestinationsState.AllDestinations.Count(destination => destination.Health.Passive == DestinationHealth.Unhealthy),
            new KeyValuePair<string, object?>("cluster", cluster.ClusterId))) ?? [];

    public void Dispose() => meter.Dispose();
}
