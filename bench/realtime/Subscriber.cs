using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using AgentCore.Gateway.TestSupport;

namespace AgentCore.Gateway.Bench.Realtime;

/// <summary>One WebSocket client of <c>/ws/agents/{agent}</c> that counts events and records publish-to-receive latency.</summary>
internal sealed class Subscriber : IDisposable
{
    private static readonly byte[] SubscribeRequest = JsonSerializer.SerializeToUtf8Bytes(
        new { type = "subscribe", timestamp = DateTimeOffset.UtcNow, data = new { events = new[] { "task.completed" } }, request_id = "bench" });

    private readonly ClientWebSocket socket = new();
    private readonly List<double> latencies = [];
    private Task? receiving;

    public Task Receiving => receiving ?? Task.CompletedTask;

    public int Received { get; private set; }

    public bool ClosedByServer { get; private set; }

    public IReadOnlyList<double> LatenciesMilliseconds => latencies;

    public long LastReceivedTimestamp { get; private set; }

    public async Task ConnectAsync(Uri server, string agent, string token, bool subscribe)
    {
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        var address = new Uri($"ws://{server.Authority}/ws/agents/{agent}");
        foreach (var (name, value) in EdgeInFront.SignedHeaders("GET", address))
        {
            // Realtime answers only what the Edge signed; the benchmark stands in for the Edge.
            socket.Options.SetRequestHeader(name, value);
        }

        await socket.ConnectAsync(address, CancellationToken.None);
        if (subscribe)
        {
            await socket.SendAsync(SubscribeRequest, WebSocketMessageType.Text, true, CancellationToken.None);
            var buffer = new byte[4096];
            await socket.ReceiveAsync(buffer, CancellationToken.None);
        }
    }

    public void StartReceiving() => receiving = ReceiveAsync();

    /// <summary>Forgets what was received so far, between benchmark phases.</summary>
    public void Reset()
    {
        lock (latencies)
        {
            latencies.Clear();
            Received = 0;
        }
    }

    public void Abort() => socket.Abort();

    public void Dispose() => socket.Dispose();

    private async Task ReceiveAsync()
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    ClosedByServer = true;
                    return;
                }

                var now = Stopwatch.GetTimestamp();
                using var message = JsonDocument.Parse(buffer.AsMemory(0, result.Count));
                if (message.RootElement.GetProperty("type").GetString() != "event")
                {
                    continue;
                }

                var sent = message.RootElement.GetProperty("data").GetProperty("event").GetProperty("data").GetProperty("sent").GetInt64();
                lock (latencies)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(sent, now).TotalMilliseconds);
                    Received++;
                    LastReceivedTimestamp = now;
                }
            }
        }
        catch (WebSocketException)
        {
            ClosedByServer = true;
        }
    }
}
