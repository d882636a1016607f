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
internal sealed record TaskRequestBody(
    [property: JsonPropertyName("task_type"), JsonRequired, MinLength(1), MaxLength(CreateTaskRequest.MaxTaskTypeLength), Description("Not blank.")] string TaskType,
    [property: JsonPropertyName("input_data"), JsonRequired] JsonObject InputData,
    [property: JsonPropertyName("priority"), AllowedValues(TaskPriorities.Low, TaskPriorities.Default, TaskPriorities.High), DefaultValue(TaskPriorities.Default)] string? Priority);
