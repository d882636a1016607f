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

    public static WebApplication MapEdgeRoutes(this WebApplication app)
    {
        app.MapReverseProxy();
        return app;
    }
}
