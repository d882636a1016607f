using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Realtime.WebSockets;

/// <summary>The <c>Realtime:WebSockets</c> configuration section of <c>/ws/agents/{agent_id}</c>.</summary>
internal sealed class AgentWebSocketOptions
{
    public const string SectionName = "Realtime:WebSockets";

    /// <summary>The spec's environment variable that, when set, overrides <see cref="MaxConnections"/>.</summary>
    public const string MaxConnectionsVariable = "MAX_WEBSOCKET_CONNECTIONS";

    /// <summary>Open WebSockets this instance accepts; past it, handshakes get 503. Default: 10,000.</summary>
    [Range(1, 1_000_000)]
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>
    /// Browser origins allowed to open a WebSocket (against cross-site WebSocket hijacking). A handshake that names
    /// another <c>Origin</c> is refused; one without <c>Origin</c> comes from a non-browser client and is allowed.
    /// Default: none.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>
    /// How often the server sends a <c>heartbeat</c> message; the first comes at a random point between half an interval
    /// and one interval after the handshake, so that connections opened together do not beat together. Default: 30 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the client may stay silent (no heartbeat reply, no message) before the connection is closed with
    /// 4002. Default: 60 s, two heartbeats.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "02:00:00")]
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Largest client message; a bigger one closes the connection with 1009. Default: 4 KiB.</summary>
    [Range(64, 1_048_576)]
    public int MaxMessageBytes { get; set; } = 4096;

    /// <summary>Events waiting to be sent to one connection; past it the client is a slow consumer and is closed with 4003. Default: 256.</summary>
    [Range(1, 100_000)]
    public int SendQueueCapacity { get; set; } = 256;

    /// <summary>How long the closing handshake may take before the connection is dropped. Default: 5 s.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
