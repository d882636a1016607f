namespace AgentCore.Gateway.Audit.Ingestion;

internal static class IngestionExtensions
{
    /// <summary>The consumer of the audit stream, its options (<c>AuditIngestion</c>, validated at start) and metrics.</summary>
    public static IHostApplicationBuilder AddAuditIngestion(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuditIngestionOptions>()
            .Bind(builder.Configuration.GetSection(AuditIngestionOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IngestionMetrics>();
        builder.Services.AddSingleton<AuditEntryParser>();
        builder.Services.AddHostedService<AuditStreamConsumer>();
        builder.Services.AddHostedService<ConsumerLagSampler>();
        return builder;
    }
}
