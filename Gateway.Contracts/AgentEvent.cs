using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentCore.Gateway.Contracts;

/// <summary>
/// An event about an agent, published by a backend to the agent-events Redis stream and fanned out by Realtime.
/// Its id is the stream entry id that Redis assigns: ordered, and the cursor for replay (<c>Last-Event-ID</c>).
/// </summary>
/// <param name="Type">One of <see cref="AgentEventTypes"/>.</param>
/// <param name="AgentId">The agent the event is about.</param>
/// <param name="TenantId">The tenant that owns the agent; only callers of this tenant may see the event.</param>
/// <param name="Timestamp">When the event happened, in UTC.</param>
/// <param name="Data">The type-specific payload, a JSON object.</param>
/// <param name="RequestId">The request that caused the event, when there was one.</param>
public sealed record AgentEvent(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("agent_id")] string AgentId,
    [property: JsonPropertyName("tenant_id")] string TenantId,
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("data")] JsonElement Data,
    [property: JsonPropertyName("request_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RequestId = null);

/// <summary>The event types of the spec's event streams.</summary>
public static class AgentEventTypes
{
    public const string AgentStatusChanged = "agent.status_changed";
    public const string TaskCompleted = "task.completed";
    public const string WorkflowStarted = "workflow.started";
    public const string SystemAlert = "system.alert";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        AgentStatusChanged, TaskCompleted, WorkflowStarted, SystemAlert,
    };
}
