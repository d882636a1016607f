using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.ServiceDefaults.Redis;

/// <summary>The <c>Redis</c> section: how often the services re-check what the Redis server can do.</summary>
internal sealed class GatewayRedisOptions
{
    public const string SectionName = "Redis";

    /// <summary>
    /// How long a capability probe's answer is reused by readiness checks, so <c>/ready</c> stays one PING most of
    /// the time. Default: 30 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CapabilityProbeInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the probe waits for its own pub/sub message to come back. Default: 3 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan PubSubProbeTimeout { get; set; } = TimeSpan.FromSeconds(3);
}
