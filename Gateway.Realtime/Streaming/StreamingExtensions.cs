namespace AgentCore.Gateway.Realtime.Streaming;

internal static class StreamingExtensions
{
    /// <summary>
    /// The event bus side of Realtime: this instance's reader of the agent-events stream, the fan-out to its
    /// connections, replay for reconnecting clients, and the agent directory. Needs <c>AddGatewayRedis</c>.
    /// </summary>
    public static TBuilder AddEventStreaming<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddValidatedOptions<EventStreamOptions>(EventStreamOptions.SectionName);
        builder.Services.AddSingleton<EventFanOut>();
        builder.Services.AddSingleton<EventReplay>();
        builder.Services.AddSingleton<AgentTenants>();
        builder.Services.AddSingleton<EventBusReader>();
        builder.Services.AddHostedService(services => services.GetRequiredService<EventBusReader>());
        return builder;
    }
}
