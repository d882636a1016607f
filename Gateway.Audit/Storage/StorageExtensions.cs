using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Audit.Storage;

internal static class StorageExtensions
{
    /// <summary>
    /// PostgreSQL through EF Core (with the Aspire integration's health check, which makes <c>/health</c> report an outage)
    /// and its migrations applied at start; Redis for the audit stream.
    /// </summary>
    public static IHostApplicationBuilder AddAuditStorage(this IHostApplicationBuilder builder)
    {
        // The ingestion loop retries whole batches itself; EF's own retries would hide outages and forbid explicit transactions.
        builder.AddNpgsqlDbContext<AuditDbContext>(ServiceNames.AuditDatabase, settings => settings.DisableRetry = true);
        builder.AddRequestReadiness(ReadinessNeeds.Audit, nameof(AuditDbContext));
        builder.AddGatewayRedis();
        builder.Services.AddSingleton<DatabaseSchema>();
        builder.Services.AddHostedService<DatabaseMigrator>();
        builder.Services.AddSingleton<AuditWriter>();
        return builder;
    }
}
