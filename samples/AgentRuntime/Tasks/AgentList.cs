using System.Text.Json.Serialization;

namespace AgentCore.Samples.AgentRuntime.Tasks;

/// <summary>The answer to <c>GET /api/v1/agents</c>: the agents of the caller's tenant.</summary>
internal sealed record AgentList([property: JsonPropertyName("agents")] IReadOnlyList<AgentView> Agents);
