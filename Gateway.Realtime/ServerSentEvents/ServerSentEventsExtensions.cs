using AgentCore.Gateway.Realtime.Authentication;

namespace AgentCore.Gateway.Realtime.ServerSentEvents;

internal static class ServerSentEventsExtensions
{
    public static TBuilder AddAgentEventStream<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddValidatedOptions<ServerSentEventsOptions>(ServerSentEventsOptions.SectionName);
        builder.Services.AddSingleton<EventStreamEndpoint>();
        return builder;
    }

    /// <summary><c>/api/v1/events/stream</c>, for callers with <c>events.read</c> (token in the Authorization header only).</summary>
    public static WebApplication MapAgentEventStream(this WebApplication app)
    {
        app.MapGet("/api/v1/events/stream", (HttpContext context, EventStreamEndpoint endpoint) => endpoint.HandleAsync(context))
            .RequireAuthorization(RealtimeAuthenticationExtensions.EventsReadPolicy)
            .WithName("AgentEventStream");
        return app;
    }
}
