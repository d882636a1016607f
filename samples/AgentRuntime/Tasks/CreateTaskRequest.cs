using System.Text.Json;
using AgentCore.Gateway.ServiceDefaults.Input;

namespace AgentCore.Samples.AgentRuntime.Tasks;

/// <summary>
/// A parsed, validated task request. Validation reads the JSON by hand so that every failing field is reported,
/// including fields of the wrong JSON type, which a serializer would turn into one opaque error.
/// </summary>
internal sealed record CreateTaskRequest(string TaskType, string InputData, string Priority)
{
    public const int MaxTaskTypeLength = 100;

    /// <summary>The request, or the failing fields with a reason each.</summary>
    public static (CreateTaskRequest? Request, Dictionary<string, object?> Errors) Parse(JsonElement body)
    {
        var errors = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = "must be a JSON object";
            return (null, errors);
        }

        string? taskType = null;
        if (!body.TryGetProperty("task_type", out var taskTypeElement) || taskTypeElement.ValueKind == JsonValueKind.Null)
        {
            errors["task_type"] = "is required";
        }
        else if (taskTypeElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(taskTypeElement.GetString()))
        {
            errors["task_type"] = "must be a non-empty string";
        }
        else if (InputText.FindNameProblem(taskTypeElement.GetString(), MaxTaskTypeLength) is { } problem)
        {
            errors["task_type"] = problem;
        }
        else
        {
            taskType = taskTypeElement.GetString();
        }

        if (!body.TryGetProperty("input_data", out var inputData) || inputData.ValueKind == JsonValueKind.Null)
        {
            errors["input_data"] = "is required";
        }
        else if (inputData.ValueKind != JsonValueKind.Object)
        {
            errors["input_data"] = "must be an object";
        }

        var priority = TaskPriorities.Default;
        if (body.TryGetProperty("priority", out var priorityElement) && priorityElement.ValueKind != JsonValueKind.Null)
        {
            if (priorityElement.ValueKind != JsonValueKind.String || !TaskPriorities.All.Contains(priorityElement.GetString()!))
            {
                errors["priority"] = "must be one of low, normal, high";
            }
            else
            {
                priority = priorityElement.GetString()!;
            }
        }

        return errors.Count > 0 ? (null, errors) : (new CreateTaskRequest(taskType!, inputData.GetRawText(), priority), errors);
    }
}
