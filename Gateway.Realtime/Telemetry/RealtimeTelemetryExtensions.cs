namespace AgentCore.Gateway.Realtime.Telemetry;

internal static class RealtimeTelemetryExtensions
{
    /// <summary>The realtime metrics; ServiceDefaults exports every <c>AgentCore.Gateway.*</c> meter.</summary>
    public static TBuilder AddRealtimeTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton<RealtimeMetrics>();
        return builder;
    }
}
