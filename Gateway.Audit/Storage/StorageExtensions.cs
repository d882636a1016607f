using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Audit.Storage;

internal static class StorageExtensions
{
    /// <summary>PostgreSQL through EF Core and Redis, each with the Aspire client integration's health check and telemetry.</summary>
    public static IHostApplicationBuilder AddAuditStorage(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<AuditDbContext>(ServiceNames.AuditDatabase);
        builder.AddGatewayRedis();
        return builder;
    }
}
