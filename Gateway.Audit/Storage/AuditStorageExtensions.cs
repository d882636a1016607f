using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Database;
using AgentCore.Gateway.ServiceDefaults.Health;
using AgentCore.Gateway.ServiceDefaults.Redis;

namespace AgentCore.Gateway.Audit.Storage;

internal static class AuditStorageExtensions
{
    /// <summary>
    /// PostgreSQL through EF Core (with the Aspire integration's health check, which makes <c>/health</c> report an outage)
    /// and its migrations applied at start, in the background (ingestion and retention wait for them); Redis for the audit stream.
    /// </summary>
    public static IHostApplicationBuilder AddAuditStorage(this IHostApplicationBuilder builder)
    {
        // The ingestion loop retries whole batches itself; EF's own retries would hide outages and forbid explicit transactions.
        builder.AddNpgsqlDbContext<AuditDbContext>(ServiceNames.AuditDatabase, settings => settings.DisableRetry = true);
        builder.AddRequestReadiness(ReadinessNeeds.Audit, nameof(AuditDbContext), DatabaseMigration<AuditDbContext>.HealthCheckName);
        builder.AddGatewayRedis();
        builder.AddMigration<AuditDbContext>();
        builder.Services.AddSingleton<AuditWriter>();
        return builder;
    }
}
