using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentCore.Samples.AgentRuntime.Tasks;

/// <summary>The spec's 201 answer to <c>POST /api/v1/agents/{id}/tasks</c>.</summary>
internal sealed record TaskCreated(
    [property: JsonPropertyName("task_id")] Guid TaskId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("agent_id")] string AgentId,
    [property: JsonPropertyName("estimated_completion")] DateTimeOffset EstimatedCompletion);

/// <summary>A task as <c>GET /api/v1/agents/{id}/tasks/{task_id}</c> shows it.</summary>
internal sealed record TaskView(
    [property: JsonPropertyName("task_id")] Guid TaskId,
    [property: JsonPropertyName("agent_id")] string AgentId,
    [property: JsonPropertyName("task_type")] string TaskType,
    [property: JsonPropertyName("priority")] string Priority,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("input_data")] JsonElement InputData,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("started_at")] DateTimeOffset? StartedAt,
    [property: JsonPropertyName("completed_at")] DateTimeOffset? CompletedAt,
    [property: JsonPropertyName("estimated_completion")] DateTimeOffset EstimatedCompletion);

/// <summary>An agent as <c>GET /api/v1/agents</c> lists it.</summary>
internal sealed record AgentView(
    [property: JsonPropertyName("agent_id")] string AgentId,
    [property: JsonPropertyName("name")] string Name);

/// <summary>The answer to <c>GET /api/v1/agents</c>: the agents of the caller's tenant.</summary>
internal sealed record AgentList([property: JsonPropertyName("agents")] IReadOnlyList<AgentView> Agents);

/// <summary>The answer to <c>POST /api/v1/agents/{id}/tasks/cancel</c>.</summary>
internal sealed record TasksCancelled(
    [property: JsonPropertyName("agent_id")] string AgentId,
    [property: JsonPropertyName("cancelled")] int Cancelled);

/// <summary>The valid <c>priority</c> values; <c>normal</c> when absent.</summary>
internal static class TaskPriorities
{
    public const string Default = "normal";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { "low", "normal", "high" };
}
