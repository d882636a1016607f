using AgentCore.Gateway.Contracts;
using Microsoft.AspNetCore.DataProtection;

namespace AgentCore.Gateway.Identity.Storage;

internal static class StorageExtensions
{
    /// <summary>
    /// PostgreSQL through EF Core (migrated at start-up) and Redis, each with the Aspire client integration's health
    /// check and telemetry, and the Data Protection key ring kept in PostgreSQL so every instance shares it.
    /// </summary>
    public static IHostApplicationBuilder AddIdentityStorage(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<IdentityStoreDbContext>(ServiceNames.IdentityDatabase);
        builder.AddRequestReadiness(ReadinessNeeds.Tokens, nameof(IdentityStoreDbContext));
        builder.AddGatewayRedis();
        builder.Services.AddHostedService<DatabaseMigrator>();
        builder.Services.AddDataProtection()
            .SetApplicationName("AgentCore.Gateway.Identity")
            .PersistKeysToDbContext<IdentityStoreDbContext>();
        return builder;
    }
}
