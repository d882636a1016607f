using System.Diagnostics.Metrics;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Messaging.Auditing;

namespace AgentCore.Gateway.Identity.Auditing;

/// <summary>
/// Records the token service's decisions on the audit trail, stamped with the request's correlation id, route and
/// truncated source address, and counts them by type and outcome (<c>gateway.identity.auth_events</c>, the
/// authentication dashboard's success rates). Callers pass identifiers only: never a token, secret, password or API key.
/// </summary>
internal sealed class AuthAudit(IAuditTrail trail, TimeProvider time, IMeterFactory meterFactory)
{
    public const string MeterName = "AgentCore.Gateway.Identity";

    private readonly Counter<long> events = meterFactory.Create(MeterName).CreateCounter<long>(
        "gateway.identity.auth_events", description: "Authentication decisions of the token service, by audit event type and outcome.");

    public void Record(
        HttpContext? context,
        string type,
        string outcome,
        AuditActor actor,
        string? reason = null,
        IReadOnlyDictionary<string, string>? details = null)
    {
        events.Add(1, new KeyValuePair<string, object?>("type", type), new KeyValuePair<string, object?>("outcome", outcome));
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
    }

    /// <summary>The authenticated caller of an admin request (client, subject, tenant), as its access token names it.</summary>
    public static AuditActor Caller(HttpContext context) =>
        new(context.User.FindFirst(GatewayClaims.ClientId)?.Value, context.User.FindFirst(GatewayClaims.Subject)?.Value, context.User.FindFirst(GatewayClaims.TenantId)?.Value);
}
