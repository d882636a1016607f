using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Authentication;
using AgentCore.Gateway.Realtime.Connections;
using AgentCore.Gateway.Realtime.Limits;
using AgentCore.Gateway.Realtime.Streaming;
using AgentCore.Gateway.Realtime.Telemetry;
using AgentCore.Gateway.ServiceDefaults.Correlation;
using AgentCore.Gateway.ServiceDefaults.Errors;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Realtime.WebSockets;

/// <summary>
/// <c>GET /ws/agents/{agent_id}</c>, outside the pipeline (<see cref="AgentWebSocketMiddleware"/>). Everything is
/// decided before the upgrade, so that refusals are plain HTTP with the error envelope and the request's id: the
/// pipeline's own checks (<see cref="HandshakeChecks"/>: input, the Edge's signature, the token and scope), the Origin,
/// the agent's tenant, the caller's and the tenant's connection limits, and this instance's connection limit. A failure
/// before the upgrade is answered as the pipeline's exception handler answers it.
/// </summary>
internal sealed partial class AgentWebSocketEndpoint(
    HandshakeChecks checks,
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
    /// <summary>The endpoint's route.</summary>
    public const string Route = "/ws/agents/{" + AgentIdParameter + "}";

    /// <summary>The route parameter that names the agent.</summary>
    public const string AgentIdParameter = "agent_id";

    public async Task HandleAsync(HttpContext context, string agentId)
    {
        // One method from the admission to the end of the connection: each method still awaiting is an object the connection
        // keeps (the checks' methods have returned before it opens).
        var reason = RealtimeCloseStatus.ClientGone;
        try
        {
            ConnectionLease? lease;
            using (RequestIds.BeginLogScope(logger, RequestIds.Assign(context)))
            {
                lease = await AdmitAsync(context, agentId);
            }

            if (lease is null)
            {
                return;
            }

            await using (lease)
            {
                try
                {
                    using var session = new WebSocketSession(context.User.TenantId(), agentId, replay, options.Value, time, clock, metrics, logger);
                    using var token = lifetimes.Watch(context.User.AccessToken(), ended => session.Finish(ended == TokenEnd.Revoked ? RealtimeCloseStatus.TokenRevoked : RealtimeCloseStatus.TokenExpired));
                    using var stopping = lifetime.ApplicationStopping.Register(static state => ((WebSocketSession)state!).Finish(RealtimeCloseStatus.ServerStopping), session);
                    fanOut.Add(session.Subscription);
                    var started = time.GetTimestamp();
                    try
                    {
                        using var socket = await context.WebSockets.AcceptWebSocketAsync();
                        audit.Connected(context, RealtimeTransports.WebSocket, agentId);
                        metrics.Connected(RealtimeTransports.WebSocket);
                        ForgetHandshake(context);
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
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away during the handshake: there is no one to answer (the exception handler does the same).
            return;
        }
        catch (Exception exception) when (!context.Response.HasStarted)
        {
            await ErrorEnvelopeExtensions.WriteUnhandledAsync(context, exception);
            return;
        }

        LogClosed(logger, agentId, reason.Reason);
    }

    /// <summary>The connection's quota lease, holding a place under this instance's limit; null when refused and answered.</summary>
    private async Task<ConnectionLease?> AdmitAsync(HttpContext context, string agentId)
    {
        if (!await checks.PassAsync(context))
        {
            return null;
        }

        if (!OriginPolicy.IsAllowed(context, options.Value.AllowedOrigins))
        {
            audit.Rejected(context, "origin_not_allowed", agentId);
            await ErrorResponses.WriteAsync(context, StatusCodes.Status403Forbidden, ErrorCodes.AuthorizationDenied, "The Origin of this WebSocket handshake is not allowed.");
            return null;
        }

        var lease = await admission.AdmitAsync(context, agentId);
        if (lease is null || limit.TryEnter())
        {
            return lease;
        }

        await lease.DisposeAsync();
        audit.Rejected(context, "connection_limit", agentId);
        context.Response.Headers.RetryAfter = "5";
        await ErrorResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable, "This instance has reached its WebSocket connection limit; retry later.");
        return null;
    }

    /// <summary>
    /// The request stays alive as long as the connection, but once accepted it needs none of the handshake's headers
    /// (among them the token's text, a kilobyte or two) nor the caller's principal: the session keeps the few facts it
    /// needs (the tenant, the token's watch). Each header is removed by name: Kestrel's <c>Clear</c> keeps the values,
    /// to reuse them for the connection's next request, which an upgraded connection never has.
    /// </summary>
    private static void ForgetHandshake(HttpContext context)
    {
        var headers = context.Request.Headers;
        foreach (var name in headers.Keys.ToArray())
        {
            headers.Remove(name);
        }

        context.User = null!;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSocket for agent {AgentId} closed: {Reason}")]
    private static partial void LogClosed(ILogger logger, string agentId, string reason);
}
