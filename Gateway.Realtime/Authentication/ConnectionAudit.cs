using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Messaging.Auditing;
using Microsoft.AspNetCore.Authorization.Policy;

namespace AgentCore.Gateway.Realtime.Authentication;

/// <summary>Audits every realtime connection decision; records ids and the truncated address, never the token.</summary>
internal sealed class ConnectionAudit(IAuditTrail trail, TimeProvider time)
{
    public void Connected(HttpContext context, string transport, string? agentId) =>
        Record(context, AuditEventTypes.RealtimeConnected, AuditOutcomes.Success, reason: null, transport, agentId);

    public void Rejected(HttpContext context, string reason, string? agentId = null) =>
        Record(context, AuditEventTypes.RealtimeRejected, AuditOutcomes.Denied, reason, TransportOf(context), agentId);

    /// <summary>Audits the refusal of an authorization decision: no or bad token (challenged), or a missing scope (forbidden).</summary>
    public void Refused(HttpContext context, PolicyAuthorizationResult result)
    {
        if (result.Challenged)
        {
            Rejected(context, "authentication_failed");
        }
        else if (result.Forbidden)
        {
            Rejected(context, "insufficient_scope");
        }
    }

    private void Record(HttpContext context, string type, string outcome, string? reason, string transport, string? agentId)
    {
        var user = context.User;
        var details = new Dictionary<string, string> { ["transport"] = transport };
        if (agentId is not null)
        {
            details["agent_id"] = agentId;
        }

        trail.Record(new AuditEvent(
            Guid.NewGuid(),
            time.GetUtcNow(),
            type,
            new AuditActor(user.FindFirst(GatewayClaims.ClientId)?.Value, user.FindFirst(GatewayClaims.Subject)?.Value, user.FindFirst(GatewayClaims.TenantId)?.Value),
            AuditAddresses.Truncate(context.Connection.RemoteIpAddress),
            context.TraceIdentifier,
            context.Request.Path.Value,
            outcome,
            reason,
            details));
    }

    private static string TransportOf(HttpContext context) =>
        context.Request.Path.StartsWithSegments(RealtimePaths.Hubs) ? Telemetry.RealtimeTransports.SignalR
        : context.Request.Path.StartsWithSegments(RealtimePaths.WebSockets) ? Telemetry.RealtimeTransports.WebSocket
        : Telemetry.RealtimeTransports.ServerSentEvents;
}
