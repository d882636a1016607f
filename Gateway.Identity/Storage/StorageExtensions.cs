using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Identity.Storage;

internal static class StorageExtensions
{
    /// <summary>PostgreSQL through EF Core and Redis, each with the Aspire client integration's health check and telemetry.</summary>
    public static IHostApplicationBuilder AddIdentityStorage(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<IdentityStoreDbContext>(ServiceNames.IdentityDatabase);
        builder.AddGatewayRedis();
        return builder;
    }
}
