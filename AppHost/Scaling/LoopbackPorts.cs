using System.Net;
using System.Net.Sockets;

namespace AgentCore.Gateway.AppHost.Scaling;

/// <summary>
/// Hands out free loopback ports, each once. Replicas listen on ports of their own, without the orchestrator's proxy
/// in front (which cannot serve replicas proxy-less), so the AppHost chooses them.
/// </summary>
internal sealed class LoopbackPorts(IEnumerable<int> taken)
{
    private readonly HashSet<int> handedOut = [.. taken];

    public int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (handedOut.Add(port))
            {
                return port;
            }
        }
    }
}
