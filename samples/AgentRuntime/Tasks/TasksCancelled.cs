using System.Text.Json.Serialization;

namespace AgentCore.Samples.AgentRuntime.Tasks;

/// <summary>The answer to <c>POST /api/v1/agents/{id}/tasks/cancel</c>.</summary>
internal sealed record TasksCancelled(
    [property: JsonPropertyName("agent_id")] string AgentId,
    [property: JsonPropertyName("cancelled")] int Cancelled);
