using AgentCore.Gateway.Edge.Health;
using AgentCore.Gateway.Edge.Resilience;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.ServiceDiscovery;
using Yarp.ReverseProxy.ServiceDiscovery;

namespace AgentCore.Gateway.Edge.Routing;

internal static class RoutingExtensions
{
    /// <summary>
    /// YARP with routes and clusters from the <c>ReverseProxy</c> configuration section. Cluster destinations name
    /// services (<c>https+http://identity</c>) that service discovery resolves to live addresses, and their health
    /// addresses the services' management endpoints (<c>http://_management.identity</c>).
    /// </summary>
    public static IHostApplicationBuilder AddEdgeRouting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddServiceDiscoveryDestinationResolver();

        var serviceDiscovery = builder.Services.Last(descriptor => descriptor.ServiceType == typeof(IDestinationResolver));
        builder.Services.RemoveAll<IDestinationResolver>();
        builder.Services.AddSingleton<IDestinationResolver>(services => new ManagementHealthDestinationResolver(
            (IDestinationResolver)(serviceDiscovery.ImplementationFactory?.Invoke(services)
                ?? ActivatorUtilities.CreateInstance(services, serviceDiscovery.ImplementationType!)),
            services.GetRequiredService<ServiceEndpointResolver>()));
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
