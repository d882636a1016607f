using AgentCore.Gateway.ServiceDefaults.Management;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Realtime.WebSockets;

/// <summary>
/// Takes WebSocket handshakes for <see cref="AgentWebSocketEndpoint.Route"/> out of the pipeline, first thing, and
/// hands them to <see cref="AgentWebSocketEndpoint"/>, which makes the pipeline's checks itself: a WebSocket lives as
/// long as its request, and inside the pipeline it would keep every middleware's frame, the request's DI scope and
/// its authentication results. Every other request (one to that path that is not a handshake too) goes on.
/// </summary>
internal sealed class AgentWebSocketMiddleware(RequestDelegate next, AgentWebSocketEndpoint endpoint, IOptions<ManagementOptions> management)
{
    private static readonly TemplateMatcher Route = new(TemplateParser.Parse(AgentWebSocketEndpoint.Route), new RouteValueDictionary());

    public Task InvokeAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest || context.IsManagementRequest(management.Value))
        {
            return next(context);
        }

        var values = new RouteValueDictionary();
        return Route.TryMatch(context.Request.Path, values) && values[AgentWebSocketEndpoint.AgentIdParameter] is string agentId
            ? endpoint.HandleAsync(context, agentId)
            : next(context);
    }
}
