namespace AgentCore.Gateway.Resilience.Tests.Load;

/// <summary>
/// How hard and how long the fault suite pushes: <c>short</c> (the default, what <c>.ci/run</c> runs) or <c>full</c>
/// (<c>RESILIENCE_PROFILE=full</c>, what <c>bench/resilience/run.sh</c> runs and <c>docs/resilience.md</c> reports).
/// </summary>
public sealed record ResilienceProfile(
    string Name,
    TimeSpan TaskInterval,
    TimeSpan TokenInterval,
    int ServerSentEventSubscribers,
    int WebSocketSubscribers,
    TimeSpan SteadyBefore,
    TimeSpan Outage,
    TimeSpan SteadyAfter,
    int LimitRequests)
{
    /// <summary>The spec's fault: Redis comes back 10 s after it was killed, whatever the profile.</summary>
    public static readonly TimeSpan RedisOutage = TimeSpan.FromSeconds(10);

    /// <summary>How long, at most, recovery and the delivery of every created task's event may take.</summary>
    public static readonly TimeSpan RecoveryLimit = TimeSpan.FromMinutes(3);

    public static ResilienceProfile Current { get; } = Environment.GetEnvironmentVariable("RESILIENCE_PROFILE") switch
    {
        "full" => new("full", TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(700), 8, 8, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(15), 1_100),
        _ => new("short", TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), 3, 3, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(4), 1_100),
    };
}
