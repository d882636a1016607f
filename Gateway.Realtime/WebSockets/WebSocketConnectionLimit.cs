using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Realtime.WebSockets;

/// <summary>Counts open WebSockets against <see cref="AgentWebSocketOptions.MaxConnections"/>.</summary>
internal sealed class WebSocketConnectionLimit(IOptions<AgentWebSocketOptions> options)
{
    private int open;

    public int Open => Volatile.Read(ref open);

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref open) <= options.Value.MaxConnections)
        {
            return true;
        }

        Interlocked.Decrement(ref open);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref open);
}
