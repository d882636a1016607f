using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace AgentCore.Gateway.ServiceDefaults.Redis;

public static class RedisExtensions
{
    /// <summary>
    /// The shared Redis connection (<see cref="StackExchange.Redis.IConnectionMultiplexer"/>) with Aspire's telemetry,
    /// and a readiness check named <c>redis</c> (so every service and the gateway health report name the dependency
    /// alike) that is healthy only when the server answers and can do what the services need: a capability probe runs
    /// at start-up and again every <c>Redis:CapabilityProbeInterval</c>.
    /// </summary>
    public static TBuilder AddGatewayRedis<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddRedisClient(ServiceNames.Redis, settings => settings.DisableHealthChecks = true);
        builder.AddValidatedOptions<GatewayRedisOptions>(GatewayRedisOptions.SectionName);
        builder.Services.AddSingleton<RedisCapabilityMonitor>();
        builder.Services.AddHostedService<RedisCapabilityStartupCheck>();
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            ServiceNames.Redis, services => ActivatorUtilities.CreateInstance<RedisHealthCheck>(services), HealthStatus.Unhealthy, tags: null));
        return builder;
    }
}
