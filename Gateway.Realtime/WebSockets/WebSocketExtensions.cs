using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Authentication;
using AgentCore.Gateway.ServiceDefaults.Errors;

namespace AgentCore.Gateway.Realtime.WebSockets;

internal static class WebSocketExtensions
{
    /// <summary>The agent WebSocket endpoint's options (with the spec's <c>MAX_WEBSOCKET_CONNECTIONS</c>), limit and handler.</summary>
    public static TBuilder AddAgentWebSockets<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddValidatedOptions<AgentWebSocketOptions>(AgentWebSocketOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) =>
            {
                if (int.TryParse(configuration[AgentWebSocketOptions.MaxConnectionsVariable], System.Globalization.CultureInfo.InvariantCulture, out var max))
                {
                    options.MaxConnections = max;
                }
            });
        builder.Services.AddSingleton<WebSocketConnectionLimit>();
        builder.Services.AddSingleton<AgentWebSocketEndpoint>();
        return builder;
    }

    /// <summary>
    /// WebSockets, and the handshakes of <c>/ws/agents/{agent_id}</c> taken out of the pipeline
    /// (<see cref="AgentWebSocketMiddleware"/>). Call first, before every other middleware, routing included.
    /// </summary>
    public static WebApplication UseAgentWebSockets(this WebApplication app)
    {
        app.UseWebSockets();
        app.UseMiddleware<AgentWebSocketMiddleware>();
        return app;
    }

    /// <summary>
    /// <c>/ws/agents/{agent_id}</c> in the pipeline, for callers with <c>events.read</c>: only requests that are not
    /// WebSocket handshakes reach it (<see cref="UseAgentWebSockets"/> takes those), and get 400.
    /// </summary>
    public static WebApplication MapAgentWebSockets(this WebApplication app)
    {
        app.MapGet(AgentWebSocketEndpoint.Route, (HttpContext context) => ErrorResponses.WriteAsync(
                context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, "This endpoint only accepts WebSocket upgrade requests."))
            .RequireAuthorization(RealtimeAuthenticationExtensions.EventsReadPolicy)
            .WithName("AgentWebSocket");
        return app;
    }
}
