using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using AgentCore.Gateway.TestSupport;

namespace AgentCore.Gateway.Bench.Realtime;

/// <summary>
/// An idle WebSocket of <c>/ws/agents/{agent}</c> that stays healthy with heartbeats on: it subscribes to nothing and
/// answers each server heartbeat, as a well-behaved client does. It counts heartbeats and notes a server close.
/// </summary>
internal sealed class IdleClient : IDisposable
{
    private static readonly byte[] HeartbeatReply = Encoding.UTF8.GetBytes("""{"type":"heartbeat","timestamp":"2026-01-01T00:00:00Z","data":{},"request_id":"bench"}""");

    private readonly ClientWebSocket socket = new();
    private int heartbeats;

    public int Heartbeats => Volatile.Read(ref heartbeats);

    public WebSocketCloseStatus? ClosedWith { get; private set; }

    public bool IsOpen => socket.State == WebSocketState.Open && ClosedWith is null;

    /// <summary>The handshake's HTTP status and headers (a refused one's too).</summary>
    public (System.Net.HttpStatusCode Status, IReadOnlyDictionary<string, IEnumerable<string>>? Headers) Response => (socket.HttpStatusCode, socket.HttpResponseHeaders);

    /// <summary>Opens the WebSocket directly to a Realtime instance (signed as the Edge would) and returns how long the handshake took.</summary>
    public async Task<TimeSpan> ConnectAsync(Uri realtime, BenchCaller caller)
    {
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Authorization", "Bearer " + caller.Token);
        var address = new Uri($"ws://{realtime.Authority}/ws/agents/{caller.AgentId}");
        foreach (var (name, value) in EdgeInFront.SignedHeaders("GET", address))
        {
            socket.Options.SetRequestHeader(name, value);
        }

        var started = Stopwatch.GetTimestamp();
        await socket.ConnectAsync(address, CancellationToken.None);
        var took = Stopwatch.GetElapsedTime(started);
        _ = AnswerHeartbeatsAsync();
        return took;
    }

    public void Abort() => socket.Abort();

    public void Dispose() => socket.Dispose();

    private async Task AnswerHeartbeatsAsync()
    {
        var buffer = new byte[1024];
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    ClosedWith = socket.CloseStatus ?? WebSocketCloseStatus.Empty;
                    return;
                }

                if (received.EndOfMessage && buffer.AsSpan(0, received.Count).IndexOf("\"heartbeat\""u8) >= 0)
                {
                    Interlocked.Increment(ref heartbeats);
                    await socket.SendAsync(HeartbeatReply, WebSocketMessageType.Text, true, CancellationToken.None);
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            ClosedWith ??= WebSocketCloseStatus.Empty;
        }
    }
}
