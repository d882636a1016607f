using AgentCore.Gateway.Edge.Resilience;

namespace AgentCore.Gateway.Edge.Routing;

internal static class RoutingExtensions
{
    /// <summary>
    /// YARP with routes and clusters from the <c>ReverseProxy</c> configuration section. Cluster destinations name
    /// services (<c>https+http://identity</c>) that service discovery resolves to live addresses.
    /// </summary>
    public static IHostApplicationBuilder AddEdgeRouting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddServiceDiscoveryDestinationResolver();
        return builder;
    }

    /// <summary>The proxy pipeline: YARP's load balancing and passive health (the circuit breaker), and error envelopes.</summary>
    public static WebApplication MapEdgeRoutes(this WebApplication app)
    {
        app.MapReverseProxy(proxy =>
        {
            proxy.UseForwarderErrorEnvelope();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return app;
    }
}
