using System.Globalization;
using System.Security.Claims;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Authentication;
using AgentCore.Gateway.Realtime.Streaming;
using AgentCore.Gateway.ServiceDefaults.Errors;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Realtime.Limits;

/// <summary>
/// The checks a WebSocket or event stream passes before it opens, answered as plain HTTP with the envelope: the agent
/// must be one of the caller's tenant in the agent directory (404 otherwise, the same for an unknown agent and another
/// tenant's, so that nothing learns which agents exist elsewhere), and the caller and its tenant must be under their
/// connection limits (429).
/// </summary>
internal sealed class RealtimeAdmission(AgentTenants agents, ConnectionQuota quota, ConnectionAudit audit, IOptions<ConnectionLimitsOptions> options)
{
    /// <summary>The connection's lease, or null when the request was refused and the refusal written.</summary>
    /// <param name="context">The handshake or stream request.</param>
    /// <param name="agentId">The agent the connection is for; null for every agent of the caller's tenant.</param>
    public async Task<ConnectionLease?> AdmitAsync(HttpContext context, string? agentId)
    {
        var tenantId = context.User.TenantId();
        if (agentId is not null && await agents.FindTenantAsync(agentId) is var owner && owner != tenantId)
        {
            audit.Rejected(context, owner is null ? "unknown_agent" : "agent_of_another_tenant", agentId);
            await ErrorResponses.WriteAsync(context, StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No agent with this id belongs to the caller's tenant.");
            return null;
        }

        var subject = context.User.FindFirstValue(GatewayClaims.Subject) ?? string.Empty;
        var (lease, refusal) = await quota.TryAcquireAsync(tenantId, subject);
        if (lease is not null)
        {
            return lease;
        }

        var settings = options.Value;
        var (limit, maximum) = refusal == QuotaRefusal.Subject
            ? ("subject", settings.MaxConnectionsPerSubject)
            : ("tenant", settings.MaxConnectionsPerTenant);
        audit.Rejected(context, "connection_limit_" + limit, agentId);
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(settings.LeaseDuration.TotalSeconds / 3)).ToString(CultureInfo.InvariantCulture);
        await ErrorResponses.WriteAsync(context, StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimitExceeded,
            limit == "subject"
                ? "The caller already holds as many realtime connections as allowed; close one first."
                : "The caller's tenant already holds as many realtime connections as allowed.",
            new Dictionary<string, object?> { ["limit"] = limit, ["max_connections"] = maximum });
        return null;
    }
}
