using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.ServiceDiscovery;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.ServiceDiscovery;

namespace AgentCore.Gateway.Edge.Health;

/// <summary>
/// Resolves destinations by service discovery (<paramref name="inner"/>), and their <c>Health</c> address separately,
/// so that active probes reach each backend's management endpoint (<c>http://_management.identity</c>) rather than the
/// port it serves traffic on, where probes are not answered. The service-discovery resolver alone would give the
/// health address the traffic port. A replica's management endpoint is the one on the same host, in order.
/// </summary>
internal sealed class ManagementHealthDestinationResolver(IDestinationResolver inner, ServiceEndpointResolver endpoints) : IDestinationResolver
{
    public async ValueTask<ResolvedDestinationCollection> ResolveDestinationsAsync(
        IReadOnlyDictionary<string, DestinationConfig> destinations,
        CancellationToken cancellationToken)
    {
        var results = new Dictionary<string, DestinationConfig>(StringComparer.OrdinalIgnoreCase);
        var changeTokens = new List<IChangeToken>();
        foreach (var (name, original) in destinations)
        {
            var resolved = await inner.ResolveDestinationsAsync(new Dictionary<string, DestinationConfig> { [name] = original }, cancellationToken);
            if (resolved.ChangeToken is { } resolvedChange)
            {
                changeTokens.Add(resolvedChange);
            }

            if (original.Health is not { Length: > 0 } health)
            {
                foreach (var (resolvedName, config) in resolved.Destinations)
                {
                    results[resolvedName] = config;
                }

                continue;
            }

            var healthUri = new Uri(health);
            var management = await endpoints.GetEndpointsAsync(healthUri.GetLeftPart(UriPartial.Authority), cancellationToken);
            changeTokens.Add(management.ChangeToken);
            var unused = management.Endpoints.Select(endpoint => ToUri(endpoint, healthUri.Scheme)).ToList();
            foreach (var (resolvedName, config) in resolved.Destinations)
            {
                var host = new Uri(config.Address).Host;
                var match = unused.FirstOrDefault(candidate => string.Equals(candidate.Host, host, StringComparison.OrdinalIgnoreCase)) ?? unused.FirstOrDefault();
                if (match is not null)
                {
                    unused.Remove(match);
                }

                results[resolvedName] = config with { Health = match is null ? null : new UriBuilder(healthUri) { Scheme = match.Scheme, Host = match.Host, Port = match.Port }.Uri.ToString() };
            }
        }

        return new ResolvedDestinationCollection(results, new CompositeChangeToken(changeTokens));
    }

    private static Uri ToUri(ServiceEndpoint endpoint, string scheme)
    {
        var address = endpoint.ToString()!;
        return new Uri(address.Contains("://", StringComparison.Ordinal) ? address : $"{scheme}://{address}");
    }
}
