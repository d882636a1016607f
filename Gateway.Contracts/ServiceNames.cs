namespace AgentCore.Gateway.Contracts;

/// <summary>
/// Resource, service-discovery and connection names. The AppHost declares them and the services resolve them,
/// so they must never differ between the two, nor between infrastructure modes.
/// </summary>
public static class ServiceNames
{
    public const string Edge = "edge";
    public const string Identity = "identity";
    public const string Realtime = "realtime";
    public const string Audit = "audit";
    public const string AgentRuntime = "agentruntime";
    public const string AgentTools = "agenttools";

    public const string Redis = "redis";
    public const string Postgres = "postgres";

    public const string IdentityDatabase = "identitydb";
    public const string AuditDatabase = "auditdb";
    public const string AgentsDatabase = "agentsdb";
}
