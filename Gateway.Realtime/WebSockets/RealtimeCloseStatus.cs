using System.Net.WebSockets;

namespace AgentCore.Gateway.Realtime.WebSockets;

/// <summary>Why the server closed a WebSocket: the close status (application codes 4000-4999) and its reason text.</summary>
internal sealed record RealtimeCloseStatus(WebSocketCloseStatus Status, string Reason)
{
    /// <summary>The connection dropped without a closing handshake: nothing is left to send.</summary>
    public static readonly RealtimeCloseStatus ClientGone = new(WebSocketCloseStatus.Empty, "client gone");
    public static readonly RealtimeCloseStatus ClientClosed = new(WebSocketCloseStatus.NormalClosure, "closed by client");
    public static readonly RealtimeCloseStatus ServerStopping = new(WebSocketCloseStatus.EndpointUnavailable, "server stopping");
    public static readonly RealtimeCloseStatus MessageTooBig = new(WebSocketCloseStatus.MessageTooBig, "message too big");
    public static readonly RealtimeCloseStatus TokenExpired = new((WebSocketCloseStatus)4001, "token expired");
    public static readonly RealtimeCloseStatus HeartbeatTimeout = new((WebSocketCloseStatus)4002, "heartbeat timeout");
    public static readonly RealtimeCloseStatus SlowConsumer = new((WebSocketCloseStatus)4003, "slow consumer");
    public static readonly RealtimeCloseStatus TokenRevoked = new((WebSocketCloseStatus)4401, "token revoked");

    /// <summary>The reason as a metric tag.</summary>
    public string Tag => Reason.Replace(' ', '_');
}
