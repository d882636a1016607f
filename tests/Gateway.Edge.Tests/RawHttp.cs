using System.Net.Sockets;
using System.Text;

namespace AgentCore.Gateway.Edge.Tests;

/// <summary>Sends bytes exactly as written, for requests HttpClient would normalise or refuse to send.</summary>
internal static class RawHttp
{
    public static async Task<(int Status, string Response)> SendAsync(Uri server, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port, TestContext.Current.CancellationToken);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.Replace("\n", "\r\n", StringComparison.Ordinal)), TestContext.Current.CancellationToken);
        var buffer = new byte[16 * 1024];
        var read = 0;
        while (read < buffer.Length)
        {
            var count = await stream.ReadAsync(buffer.AsMemory(read), TestContext.Current.CancellationToken);
            if (count == 0)
            {
                break;
            }

            read += count;
            var text = Encoding.ASCII.GetString(buffer, 0, read);
            var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headerEnd > 0 && text.Contains("\"timestamp\"", StringComparison.Ordinal))
            {
                break;
            }
        }

        var response = Encoding.ASCII.GetString(buffer, 0, read);
        return (int.Parse(response.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture), response);
    }
}
