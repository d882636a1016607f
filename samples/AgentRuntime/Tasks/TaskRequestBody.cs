using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace AgentCore.Samples.AgentRuntime.Tasks;

/// <summary>
/// The body of <c>POST /api/v1/agents/{agentId}/tasks</c> as the public API document shows it. The endpoint reads the
/// JSON by hand (<see cref="CreateTaskRequest.Parse"/>) so that every failing field is reported; this type only
/// describes it, and the contract tests hold the two together.
/// </summary>
internal sealed class TaskRequestBody
{
    [JsonPropertyName("task_type"), MinLength(1), MaxLength(CreateTaskRequest.MaxTaskTypeLength), Description("Not blank.")]
    public required string TaskType { get; init; }

    [JsonPropertyName("input_data")]
    public required JsonObject InputData { get; init; }

    [JsonPropertyName("priority"), AllowedValues(TaskPriorities.Low, TaskPriorities.Default, TaskPriorities.High), DefaultValue(TaskPriorities.Default)]
    public string? Priority { get; init; }
}
