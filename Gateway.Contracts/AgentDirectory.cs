namespace AgentCore.Gateway.Contracts;

/// <summary>
/// Which tenant owns which agent, as a Redis hash (field: agent id, value: tenant id). The agents' owner (the
/// AgentRuntime) writes its agents; Realtime only reads it, and refuses a subscription to any agent the hash does not
/// give to the caller's tenant.
/// </summary>
public static class AgentDirectory
{
    /// <summary>The Redis hash: agent id to tenant id.</summary>
    public const string TenantsKey = "agentcore:agents:tenant";
}
