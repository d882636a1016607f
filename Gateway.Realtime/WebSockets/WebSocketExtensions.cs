using AgentCore.Gateway.Realtime.Authentication;
using Microsoft.AspNetCore.Mvc;

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

    /// <summary><c>/ws/agents/{agent_id}</c>, for callers with <c>events.read</c>.</summary>
    public static WebApplication MapAgentWebSockets(this WebApplication app)
    {
        app.UseWebSockets();
        app.MapGet("/ws/agents/{agent_id}", (HttpContext context, [FromRoute(Name = "agent_id")] string agentId, AgentWebSocketEndpoint endpoint) => endpoint.HandleAsync(context, agentId))
            .RequireAuthorization(RealtimeAuthenticationExtensions.EventsReadPolicy)
            .WithName("AgentWebSocket");
        return app;
    }
}
