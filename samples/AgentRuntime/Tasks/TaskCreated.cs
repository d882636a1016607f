using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using AgentCore.Samples.AgentRuntime.Storage;

namespace AgentCore.Samples.AgentRuntime.Tasks;

/// <summary>The spec's 201 answer to <c>POST /api/v1/agents/{id}/tasks</c>.</summary>
internal sealed record TaskCreated(
    [property: JsonPropertyName("task_id")] Guid TaskId,
    [property: JsonPropertyName("status"), AllowedValues(TaskStatuses.Created)] string Status,
    [property: JsonPropertyName("agent_id")] string AgentId,
    [property: JsonPropertyName("estimated_completion")] DateTimeOffset EstimatedCompletion);
