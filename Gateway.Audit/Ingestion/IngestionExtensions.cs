namespace AgentCore.Gateway.Audit.Ingestion;

internal static class IngestionExtensions
{
    /// <summary>The consumer of the audit stream, its options (<c>AuditIngestion</c>, validated at start) and metrics.</summary>
    public static IHostApplicationBuilder AddAuditIngestion(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<AuditIngestionOptions>(AuditIngestionOptions.SectionName);
        builder.Services.AddSingleton<IngestionMetrics>();
        builder.Services.AddSingleton<AuditEntryParser>();
        builder.Services.AddHostedService<AuditStreamConsumer>();
        builder.Services.AddHostedService<ConsumerLagSampler>();
        return builder;
    }
}
