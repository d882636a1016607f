using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Database;
using AgentCore.Gateway.ServiceDefaults.Health;
using AgentCore.Gateway.ServiceDefaults.Redis;
using Microsoft.EntityFrameworkCore;

namespace AgentCore.Samples.AgentRuntime.Storage;

internal static class AgentRuntimeStorageExtensions
{
    /// <summary>
    /// PostgreSQL through EF Core (migrated at start in the background, then seeded in Development; not ready until
    /// then) and Redis, each with the Aspire client integration's health check and telemetry. The tasks API needs only
    /// PostgreSQL (a task and its events commit together; the relay publishes them later), so that is all its readiness
    /// asks for.
    /// </summary>
    public static IHostApplicationBuilder AddAgentRuntimeStorage(this IHostApplicationBuilder builder)
    {
        // A couple of quick retries ride out a dropped connection; while PostgreSQL is away a request then fails within
        // seconds (503) instead of waiting out EF's default retries, longer than the Edge's route timeout. The worker and
        // the relay retry whole rounds themselves.
        builder.AddNpgsqlDbContext<AgentsDbContext>(
            ServiceNames.AgentsDatabase,
            settings => settings.DisableRetry = true,
            options => options.UseNpgsql(npgsql => npgsql.EnableRetryOnFailure(maxRetryCount: 2, maxRetryDelay: TimeSpan.FromSeconds(1), errorCodesToAdd: null)));
        builder.AddRequestReadiness(ReadinessNeeds.Tasks, nameof(AgentsDbContext), DatabaseMigration<AgentsDbContext>.HealthCheckName);
        builder.AddGatewayRedis();
        builder.AddMigration<AgentsDbContext, DevelopmentAgentSeeder>();
        return builder;
    }
}
