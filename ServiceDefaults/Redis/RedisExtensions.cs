using AgentCore.Gateway.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

public static class RedisExtensions
{
    /// <summary>
    /// The shared Redis connection (<see cref="IConnectionMultiplexer"/>) with Aspire's telemetry, and a readiness
    /// check named <c>redis</c> so that every service and the gateway health report name the dependency alike.
    /// </summary>
    public static TBuilder AddGatewayRedis<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddRedisClient(ServiceNames.Redis, settings => settings.DisableHealthChecks = true);
        builder.Services.AddHealthChecks()
            .AddRedis(services => services.GetRequiredService<IConnectionMultiplexer>(), name: ServiceNames.Redis);
        return builder;
    }
}
