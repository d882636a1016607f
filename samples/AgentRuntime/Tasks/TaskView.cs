using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using AgentCore.Samples.AgentRuntime.Storage;

namespace AgentCore.Samples.AgentRuntime.Tasks;

/// <summary>A task as <c>GET /api/v1/agents/{id}/tasks/{task_id}</c> shows it.</summary>
internal sealed record TaskView(
    [property: JsonPropertyName("task_id")] Guid TaskId,
    [property: JsonPropertyName("agent_id")] string AgentId,
    [property: JsonPropertyName("task_type")] string TaskType,
    [property: JsonPropertyName("priority"), AllowedValues(TaskPriorities.Low, TaskPriorities.Default, TaskPriorities.High)] string Priority,
    [property: JsonPropertyName("status"), AllowedValues(TaskStatuses.Created, TaskStatuses.Running, TaskStatuses.Completed, TaskStatuses.Cancelled)] string Status,
    [property: JsonPropertyName("input_data")] JsonElement InputData,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("started_at")] DateTimeOffset? StartedAt,
    [property: JsonPropertyName("completed_at")] DateTimeOffset? CompletedAt,
    [property: JsonPropertyName("estimated_completion")] DateTimeOffset EstimatedCompletion);
