using System.Reflection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace AgentCore.Gateway.Edge.Health;

/// <summary>
/// Builds the gateway health from what the proxy already knows: YARP probes every destination's <c>/health</c>
/// and tracks failures, so the answer costs no extra calls to the backends. The Edge's own dependencies come from
/// its health checks.
/// </summary>
internal sealed class GatewayHealthEvaluator(IProxyStateLookup proxyState, HealthCheckService healthChecks, TimeProvider time)
{
    private static readonly string Version =
        typeof(GatewayHealthEvaluator).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "unknown";

    public async Task<GatewayHealthReport> EvaluateAsync(CancellationToken cancellationToken)
    {
        var services = new SortedDictionary<string, ServiceHealth>(StringComparer.Ordinal);
        foreach (var cluster in proxyState.GetClusters())
        {
            services[cluster.ClusterId] = Describe(cluster);
        }

        var own = await healthChecks.CheckHealthAsync(registration => !registration.Tags.Contains("live"), cancellationToken);
        foreach (var (name, entry) in own.Entries)
        {
            services[name] = entry.Status == HealthStatus.Healthy
                ? new ServiceHealth(HealthStatusNames.Healthy)
                : new ServiceHealth(HealthStatusNames.Unhealthy, Message: entry.Description);
        }

        return new GatewayHealthReport(Overall(services.Values), time.GetUtcNow(), services, Version);
    }

    private static ServiceHealth Describe(ClusterState cluster)
    {
        var destinations = cluster.DestinationsState.AllDestinations;
        var healthy = cluster.DestinationsState.AvailableDestinations.Count(IsProbedHealthy);
        var status = healthy > 0
            ? HealthStatusNames.Healthy
            : destinations.Count > 0 && destinations.All(destination => destination.Health.Active == DestinationHealth.Unknown)
                ? HealthStatusNames.Unknown
                : HealthStatusNames.Unhealthy;
        return new ServiceHealth(status, healthy, destinations.Count);
    }

    private static bool IsProbedHealthy(DestinationState destination) =>
        destination.Health.Active == DestinationHealth.Healthy && destination.Health.Passive != DestinationHealth.Unhealthy;

    /// <summary>Healthy when everything is; unhealthy when no backend can take traffic; degraded in between.</summary>
    private static string Overall(IEnumerable<ServiceHealth> services)
    {
        var statuses = services.Select(service => service.Status).ToList();
        if (statuses.All(status => status == HealthStatusNames.Healthy))
        {
            return HealthStatusNames.Healthy;
        }

        return statuses.Any(status => status == HealthStatusNames.Healthy) ? HealthStatusNames.Degraded : HealthStatusNames.Unhealthy;
    }
}
