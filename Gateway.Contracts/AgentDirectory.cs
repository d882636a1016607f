namespace AgentCore.Gateway.Contracts;

/// <summary>
/// Which tenant owns which agent, as a Redis hash (field: agent id, value: tenant id). The AgentRuntime may write an
/// agent when it creates it; Realtime also records every agent it sees on the agent-events stream (first writer wins),
/// and refuses subscriptions to an agent the hash assigns to another tenant.
/// </summary>
public static class AgentDirectory
{
    /// <summary>The Redis hash: agent id to tenant id.</summary>
    public const string TenantsKey = "agentcore:agents:tenant";
}
