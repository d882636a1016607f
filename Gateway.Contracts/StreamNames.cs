namespace AgentCore.Gateway.Contracts;

/// <summary>Redis stream keys shared by producers and consumers.</summary>
public static class StreamNames
{
    /// <summary>Agent, task, workflow and system events (<see cref="AgentEvent"/>), read by every Realtime instance.</summary>
    public const string AgentEvents = "agentcore:events:agents";

    /// <summary>Audit decisions (<see cref="AuditEvent"/>), read by Gateway.Audit through a consumer group.</summary>
    public const string AuditEvents = "agentcore:events:audit";

    /// <summary>The stream entry field that holds the JSON document of an event.</summary>
    public const string PayloadField = "payload";

    /// <summary>The stream entry field that holds the event type, readable without parsing the payload.</summary>
    public const string TypeField = "type";
}
