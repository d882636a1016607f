using System.Net.Sockets;
using System.Text;

namespace AgentCore.Gateway.TestSupport;

/// <summary>Sends bytes exactly as written, for requests HttpClient would normalise or refuse to send.</summary>
public static class RawHttp
{
    /// <summary>Sends <paramref name="request"/> with every line break turned into CRLF, and reads the answer.</summary>
    public static Task<(int Status, string Response)> SendAsync(Uri server, string request, CancellationToken cancellationToken) =>
        SendBytesAsync(server, Encoding.Latin1.GetBytes(request.Replace("\n", "\r\n", StringComparison.Ordinal)), cancellationToken);

    /// <summary>Sends <paramref name="request"/> byte for byte (bare LFs stay bare) and reads the answer.</summary>
    public static async Task<(int Status, string Response)> SendBytesAsync(Uri server, byte[] request, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port, cancellationToken);
        var stream = tcp.GetStream();
        await stream.WriteAsync(request, cancellationToken);
        var buffer = new byte[16 * 1024];
        var read = 0;
        while (read < buffer.Length)
        {
            var count = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (count == 0)
            {
                break;
            }

            read += count;
            var text = Encoding.ASCII.GetString(buffer, 0, read);
            var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headerEnd > 0 && (text.Contains("\"timestamp\"", StringComparison.Ordinal) || text.Contains("Content-Length: 0\r\n", StringComparison.OrdinalIgnoreCase)))
            {
                break;
            }
        }

        var response = Encoding.ASCII.GetString(buffer, 0, read);
        return (int.Parse(response.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture), response);
    }
}
