using System.Net;
using System.Net.Sockets;

namespace AgentCore.Gateway.AppHost.Scaling;

/// <summary>
/// Hands out free loopback ports, each once per AppHost. Replicas and the local Redis and PostgreSQL listen on ports of
/// their own, not behind the orchestrator's proxy (which cannot serve replicas proxy-less, and which accepts connections
/// for a stopped process and holds them instead of refusing), so the AppHost chooses them.
/// </summary>
internal static class LoopbackPorts
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>Marks ports that are chosen by configuration (the Edge's public ports), so that none is handed out.</summary>
    public static void Reserve(params int[] ports)
    {
        lock (HandedOut)
        {
            HandedOut.UnionWith(ports);
        }
    }

    public static int Next()
    {
        lock (HandedOut)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
