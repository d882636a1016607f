namespace AgentCore.Samples.AgentRuntime.Storage;

/// <summary>An agent, owned by exactly one tenant; nobody else may see it.</summary>
internal sealed class Agent
{
    public required string Id { get; init; }

    public required string TenantId { get; init; }

    public required string Name { get; init; }
}
