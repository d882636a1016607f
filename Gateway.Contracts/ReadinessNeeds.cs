namespace AgentCore.Gateway.Contracts;

/// <summary>
/// The groups of routes whose readiness the Edge probes on each backend (<c>GET /ready/{need}</c> on its management
/// port): each backend answers for the dependencies those routes use and nothing else, so a dependency that only some
/// routes need takes only those routes down. The Edge's cluster configuration names the same paths.
/// </summary>
public static class ReadinessNeeds
{
    /// <summary>Identity's token, authorization and discovery endpoints: its PostgreSQL store.</summary>
    public const string Tokens = "tokens";

    /// <summary>Realtime's WebSockets, event streams and hub: Redis (the event stream, the agent directory, quotas).</summary>
    public const string Events = "events";

    /// <summary>Gateway.Audit's query API: its PostgreSQL store (ingestion from Redis runs in the background).</summary>
    public const string Audit = "audit";

    /// <summary>The AgentRuntime's tasks API: its PostgreSQL store, where a task and its events commit together.</summary>
    public const string Tasks = "tasks";
}
