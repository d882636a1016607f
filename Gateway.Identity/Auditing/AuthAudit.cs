using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Auditing;

namespace AgentCore.Gateway.Identity.Auditing;

/// <summary>
/// Records the token service's decisions on the audit trail, stamped with the request's correlation id, route and
/// truncated source address. Callers pass identifiers only: never a token, secret, password or API key.
/// </summary>
internal sealed class AuthAudit(IAuditTrail trail, TimeProvider time)
{
    public void Record(
        HttpContext? context,
        string type,
        string outcome,
        AuditActor actor,
        string? reason = null,
        IReadOnlyDictionary<string, string>? details = null) =>
        trail.Record(new AuditEvent(
            Guid.NewGuid(),
            time.GetUtcNow(),
            type,
            actor,
            AuditAddresses.Truncate(context?.Connection.RemoteIpAddress),
            context?.TraceIdentifier,
            context?.Request.Path.Value,
            outcome,
            reason,
            details));

    /// <summary>The authenticated caller of an admin request (client, subject, tenant), as its access token names it.</summary>
    public static AuditActor Caller(HttpContext context) =>
        new(context.User.FindFirst(GatewayClaims.ClientId)?.Value, context.User.FindFirst(GatewayClaims.Subject)?.Value, context.User.FindFirst(GatewayClaims.TenantId)?.Value);
}
