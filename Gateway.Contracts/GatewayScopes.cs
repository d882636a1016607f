namespace AgentCore.Gateway.Contracts;

/// <summary>The scopes the gateway's routes require.</summary>
public static class GatewayScopes
{
    public const string AgentsRead = "agents.read";
    public const string AgentsWrite = "agents.write";
    public const string EventsRead = "events.read";
    public const string AuditRead = "audit.read";
    public const string GatewayAdmin = "gateway.admin";
}
