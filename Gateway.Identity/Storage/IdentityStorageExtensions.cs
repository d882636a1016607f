using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Database;
using AgentCore.Gateway.Identity.Seeding;
using AgentCore.Gateway.ServiceDefaults.Health;
using AgentCore.Gateway.ServiceDefaults.Redis;
using Microsoft.AspNetCore.DataProtection;

namespace AgentCore.Gateway.Identity.Storage;

internal static class IdentityStorageExtensions
{
    /// <summary>
    /// PostgreSQL through EF Core (migrated at start-up, then seeded in Development) and Redis, each with the Aspire client
    /// integration's health check and telemetry, and the Data Protection key ring kept in PostgreSQL so every instance shares it.
    /// </summary>
    public static IHostApplicationBuilder AddIdentityStorage(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<IdentityStoreDbContext>(ServiceNames.IdentityDatabase);
        builder.AddRequestReadiness(ReadinessNeeds.Tokens, nameof(IdentityStoreDbContext), DatabaseMigration<IdentityStoreDbContext>.HealthCheckName);
        builder.AddGatewayRedis();
        builder.AddMigration<IdentityStoreDbContext, DevelopmentSeeder>();
        builder.Services.AddDataProtection()
            .SetApplicationName("AgentCore.Gateway.Identity")
            .PersistKeysToDbContext<IdentityStoreDbContext>();
        return builder;
    }
}
