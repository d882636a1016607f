namespace AgentCore.Gateway.Contracts;

/// <summary>The scopes the gateway's routes require.</summary>
public static class GatewayScopes
{
    public const string AgentsRead = "agents.read";
    public const string AgentsWrite = "agents.write";
    public const string EventsRead = "events.read";
    public const string AuditRead = "audit.read";
    public const string GatewayAdmin = "gateway.admin";

    /// <summary>Every scope above and what it grants, as the public API document tells clients.</summary>
    public static IReadOnlyDictionary<string, string> Descriptions { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [AgentsRead] = "Read agents and tasks",
        [AgentsWrite] = "Create tasks",
        [EventsRead] = "Stream events",
        [AuditRead] = "Query the audit trail",
        [GatewayAdmin] = "Administer API keys",
    };
}
