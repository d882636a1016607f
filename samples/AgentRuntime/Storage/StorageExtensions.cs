using AgentCore.Gateway.Contracts;

namespace AgentCore.Samples.AgentRuntime.Storage;

internal static class StorageExtensions
{
    /// <summary>PostgreSQL through EF Core and Redis, each with the Aspire client integration's health check and telemetry.</summary>
    public static IHostApplicationBuilder AddAgentRuntimeStorage(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<AgentsDbContext>(ServiceNames.AgentsDatabase);
        builder.AddGatewayRedis();
        return builder;
    }
}
