using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AgentCore.Gateway.Bench.Realtime;

/// <summary>
/// The floor for memory per connection: bare Kestrel (slim builder, nothing in the pipeline but WebSockets) accepting
/// every WebSocket and waiting on it with zero-byte reads, sending nothing (no heartbeats). The idle bench runs against it
/// (<c>--realtime bare</c>) exactly as against Realtime, so the two are measured by the same client.
/// </summary>
internal static class BareServer
{
    public static async Task<int> RunAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseWebSockets();
        app.MapGet("/health", () => "ok");
        app.Map("/ws/agents/{agent}", async (HttpContext context) =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            try
            {
                while (true)
                {
                    var next = await socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
                    if (next.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    var buffer = new byte[4096];
                    await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                }
            }
            catch (WebSocketException)
            {
                // The client left.
            }
        });
        await app.RunAsync();
        return 0;
    }
}
