using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Realtime.Connections;

/// <summary>The <c>Realtime:Clock</c> configuration section: how often the shared <see cref="ConnectionClock"/> ticks.</summary>
internal sealed class ConnectionClockOptions
{
    public const string SectionName = "Realtime:Clock";

    /// <summary>
    /// How often heartbeats, silences and token expiries are checked; each happens at most this late. Keep it well below
    /// the heartbeat intervals. Default: 1 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan Resolution { get; set; } = TimeSpan.FromSeconds(1);
}
