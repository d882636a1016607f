using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Messaging.Auditing;

/// <summary>Records audit events without waiting on Redis: the request path only enqueues.</summary>
public interface IAuditTrail
{
    /// <summary>Enqueues the event; false when the buffer is full and the event was dropped (and counted).</summary>
    bool Record(AuditEvent auditEvent);
}
