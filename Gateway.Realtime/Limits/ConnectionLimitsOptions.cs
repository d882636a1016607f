using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Realtime.Limits;

/// <summary>
/// The <c>Realtime:Limits</c> configuration section: how many realtime connections (WebSocket, Server-Sent Events and
/// SignalR together) one caller and one tenant may hold open across every Realtime instance, and how much one SignalR
/// connection may subscribe to.
/// </summary>
internal sealed class ConnectionLimitsOptions
{
    public const string SectionName = "Realtime:Limits";

    /// <summary>Open connections per subject (a user, or a client for machine tokens) in a tenant. Default: 10.</summary>
    [Range(1, 1_000_000)]
    public int MaxConnectionsPerSubject { get; set; } = 10;

    /// <summary>Open connections per tenant, so that one tenant cannot take every instance's capacity. Default: 2,000.</summary>
    [Range(1, 10_000_000)]
    public int MaxConnectionsPerTenant { get; set; } = 2_000;

    /// <summary>
    /// How long a connection counts without its instance renewing it; an instance that dies stops renewing, so its
    /// connections stop counting after this. Renewed every third of it. Default: 60 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Agents one SignalR connection may subscribe to at once. Default: 50.</summary>
    [Range(1, 100_000)]
    public int MaxAgentsPerHubConnection { get; set; } = 50;
}
