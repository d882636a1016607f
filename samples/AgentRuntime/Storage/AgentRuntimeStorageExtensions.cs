using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Database;
using AgentCore.Gateway.ServiceDefaults.Redis;

namespace AgentCore.Samples.AgentRuntime.Storage;

internal static class AgentRuntimeStorageExtensions
{
    /// <summary>
    /// PostgreSQL through EF Core (migrated at start in the background, then seeded in Development; not ready until
    /// then) and Redis, each with the Aspire client integration's health check and telemetry.
    /// </summary>
    public static IHostApplicationBuilder AddAgentRuntimeStorage(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<AgentsDbContext>(ServiceNames.AgentsDatabase);
        builder.AddGatewayRedis();
        builder.AddMigration<AgentsDbContext, DevelopmentAgentSeeder>();
        return builder;
    }
}
