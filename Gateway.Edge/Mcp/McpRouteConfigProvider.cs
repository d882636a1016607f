using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace AgentCore.Gateway.Edge.Mcp;

/// <summary>
/// One YARP route per configured MCP server, <c>/mcp/{server}</c> to its cluster, beside the routes of
/// <c>ReverseProxy</c>: the cluster's health checks, load balancing and breaker apply to it as to any route.
/// </summary>
internal sealed class McpRouteConfigProvider(IOptions<McpGatewayOptions> options) : IProxyConfigProvider
{
    private readonly Config config = new(
        [.. options.Value.Servers.Select(server => new RouteConfig
        {
            RouteId = "mcp-" + server.Key,
            ClusterId = server.Value.Cluster,
            Match = new RouteMatch { Path = McpResources.PathPrefix + server.Key, Methods = ["GET", "POST", "DELETE"] },
            Timeout = server.Value.Timeout,
            RateLimiterPolicy = server.Value.RateLimitPolicy,
            Metadata = new Dictionary<string, string> { [McpResources.ServerMetadataKey] = server.Key },
            Transforms = server.Value.UpstreamPath is { } path ? [new Dictionary<string, string> { ["PathSet"] = path }] : null,
        })]);

    public IProxyConfig GetConfig() => config;

    private sealed class Config(IReadOnlyList<RouteConfig> routes) : IProxyConfig
    {
        public IReadOnlyList<RouteConfig> Routes { get; } = routes;

        public IReadOnlyList<ClusterConfig> Clusters { get; } = [];

        public IChangeToken ChangeToken { get; } = new CancellationChangeToken(CancellationToken.None);
    }
}
