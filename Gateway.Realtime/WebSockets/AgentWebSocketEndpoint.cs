using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Authentication;
using AgentCore.Gateway.Realtime.Connections;
using AgentCore.Gateway.Realtime.Limits;
using AgentCore.Gateway.Realtime.Streaming;
using AgentCore.Gateway.Realtime.Telemetry;
using AgentCore.Gateway.ServiceDefaults.Errors;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AgentCore.Gateway.Realtime.WebSockets;

/// <summary>
/// <c>GET /ws/agents/{agent_id}</c>. Everything is decided before the upgrade, so that refusals are plain HTTP with the
/// error envelope: the token and scope (by the endpoint's policy), the Origin, the agent's tenant, the caller's and the
/// tenant's connection limits, and this instance's connection limit.
/// </summary>
internal sealed partial class AgentWebSocketEndpoint(
    EventFanOut fanOut,
    EventReplay replay,
    RealtimeAdmission admission,
    ConnectionLifetimes lifetimes,
    WebSocketConnectionLimit limit,
    ConnectionClock clock,
    ConnectionAudit audit,
    RealtimeMetrics metrics,
    IOptions<AgentWebSocketOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<AgentWebSocketEndpoint> logger)
{
    public async Task HandleAsync(HttpContext context, string agentId)
    {
        var settings = options.Value;
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await ErrorResponses.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, "This endpoint only accepts WebSocket upgrade requests.");
            return;
        }

        if (!OriginPolicy.IsAllowed(context, settings.AllowedOrigins))
        {
            audit.Rejected(context, "origin_not_allowed", agentId);
            await ErrorResponses.WriteAsync(context, StatusCodes.Status403Forbidden, ErrorCodes.AuthorizationDenied, "The Origin of this WebSocket handshake is not allowed.");
            return;
        }

        await using var lease = await admission.AdmitAsync(context, agentId);
        if (lease is null)
        {
            return;
        }

        if (!limit.TryEnter())
        {
            audit.Rejected(context, "connection_limit", agentId);
            context.Response.Headers.RetryAfter = "5";
            await ErrorResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable, "This instance has reached its WebSocket connection limit; retry later.");
            return;
        }

        // One method from the checks to the end of the connection: each awaiting method is an object the connection keeps.
        var reason = RealtimeCloseStatus.ClientGone;
        try
        {
            using var session = new WebSocketSession(context.User.TenantId(), agentId, replay, settings, time, clock, metrics, logger);
            using var token = lifetimes.Watch(context.User.AccessToken(), ended => session.Finish(ended == TokenEnd.Revoked ? RealtimeCloseStatus.TokenRevoked : RealtimeCloseStatus.TokenExpired));
            using var stopping = lifetime.ApplicationStopping.Register(static state => ((WebSocketSession)state!).Finish(RealtimeCloseStatus.ServerStopping), session);
            fanOut.Add(session.Subscription);
            var started = time.GetTimestamp();
            try
            {
                // The request stays alive as long as the connection: its token's text (a kilobyte or two) is no longer needed
                // once validated (the validated facts live on in the caller's identity), so the connection does not keep it.
                context.Request.Headers.Remove(HeaderNames.Authorization);
                using var socket = await context.WebSockets.AcceptWebSocketAsync();
                audit.Connected(context, RealtimeTransports.WebSocket, agentId);
                metrics.Connected(RealtimeTransports.WebSocket);
                try
                {
                    reason = await session.RunAsync(socket);
                }
                finally
                {
                    metrics.Disconnected(RealtimeTransports.WebSocket, time.GetElapsedTime(started), reason.Tag);
                }
            }
            finally
            {
                fanOut.Remove(session.Subscription);
            }
        }
        finally
        {
            limit.Exit();
        }

        LogClosed(logger, agentId, reason.Reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSocket for agent {AgentId} closed: {Reason}")]
    private static partial void LogClosed(ILogger logger, string agentId, string reason);
}
