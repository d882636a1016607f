namespace AgentCore.Gateway.ServiceDefaults.Redis;

/// <summary>What a probe found: the commands the gateway needs that the server would not run.</summary>
/// <param name="MissingCommands">Empty when the server can do everything the gateway asks of it.</param>
public sealed record RedisCapabilityReport(IReadOnlyList<string> MissingCommands)
{
    public bool IsComplete => MissingCommands.Count == 0;

    /// <summary>A sentence naming what is missing, for health reports and logs; null when nothing is.</summary>
    public string? Problem => IsComplete
        ? null
        : $"Redis cannot run {string.Join(", ", MissingCommands)}, which the gateway needs (Streams with consumer groups, Lua " +
          "scripts and pub/sub): use redis-server or valkey-server 6.2 or newer.";
}
