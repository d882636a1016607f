namespace AgentCore.Gateway.Realtime.Limits;

internal static class LimitsExtensions
{
    /// <summary>Connection limits per subject and per tenant shared by every instance through Redis (<see cref="ConnectionQuota"/>).</summary>
    public static TBuilder AddConnectionLimits<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddValidatedOptions<ConnectionLimitsOptions>(ConnectionLimitsOptions.SectionName);
        builder.Services.AddSingleton<ConnectionQuota>();
        builder.Services.AddSingleton<RealtimeAdmission>();
        builder.Services.AddHostedService<ConnectionLeaseRenewer>();
        return builder;
    }
}
