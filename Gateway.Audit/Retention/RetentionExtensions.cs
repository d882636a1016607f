namespace AgentCore.Gateway.Audit.Retention;

internal static class RetentionExtensions
{
    /// <summary>The background retention job and its options (<c>AuditRetention</c>, validated at start).</summary>
    public static IHostApplicationBuilder AddAuditRetention(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<RetentionOptions>(RetentionOptions.SectionName);
        builder.Services.AddSingleton<RetentionSweeper>();
        builder.Services.AddHostedService(services => services.GetRequiredService<RetentionSweeper>());
        return builder;
    }
}
