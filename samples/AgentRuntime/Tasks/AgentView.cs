using System.Text.Json.Serialization;

namespace AgentCore.Samples.AgentRuntime.Tasks;

/// <summary>An agent as <c>GET /api/v1/agents</c> lists it.</summary>
internal sealed record AgentView(
    [property: JsonPropertyName("agent_id")] string AgentId,
    [property: JsonPropertyName("name")] string Name);
