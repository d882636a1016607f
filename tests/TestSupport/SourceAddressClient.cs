using System.Net;
using System.Net.Sockets;

namespace AgentCore.Gateway.TestSupport;

/// <summary>
/// HttpClients whose connections come from a chosen loopback address (any 127.x.y.z is the machine itself on Linux), so
/// that a server sees distinct callers by their real peer address, as it would see distinct hosts.
/// </summary>
public static class SourceAddressClient
{
    public static HttpClient Create(Uri baseAddress, IPAddress source) =>
        new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint.Host == "localhost" ? new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port) : context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
}
