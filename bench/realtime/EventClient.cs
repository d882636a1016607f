using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace AgentCore.Gateway.Bench.Realtime;

/// <summary>
/// A subscriber of one agent's events through the Edge, over WebSocket or Server-Sent Events, that records for each
/// event the time from the event's own <c>timestamp</c> (when the producer says it happened) to its arrival here.
/// Same machine, same clock.
/// </summary>
internal abstract class EventClient : IDisposable
{
    private readonly List<(DateTimeOffset EventTime, double Milliseconds)> arrivals = [];
    private long arrivalCount;

    public abstract Task ConnectAsync(Uri edge, BenchCaller caller);

    public bool Failed { get; protected set; }

    /// <summary>Events received since connecting.</summary>
    public long Arrivals => Interlocked.Read(ref arrivalCount);

    public static EventClient Create(string transport, HttpClient http) => transport switch
    {
        "websocket" => new WebSocketEventClient(),
        "sse" => new ServerSentEventClient(http),
        _ => throw new ArgumentException($"Unknown transport '{transport}'."),
    };

    /// <summary>Takes what arrived so far, for events that happened in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public List<double> TakeLatencies(DateTimeOffset from, DateTimeOffset to)
    {
        lock (arrivals)
        {
            var taken = arrivals.Where(arrival => arrival.EventTime >= from && arrival.EventTime < to).Select(arrival => arrival.Milliseconds).ToList();
            arrivals.RemoveAll(arrival => arrival.EventTime < to);
            return taken;
        }
    }

    public abstract void Dispose();

    /// <summary>Records the arrival of an event whose JSON (the <c>AgentEvent</c>) is <paramref name="agentEvent"/>.</summary>
    protected void Arrived(JsonElement agentEvent)
    {
        var now = DateTimeOffset.UtcNow;
        var happened = agentEvent.GetProperty("timestamp").GetDateTimeOffset();
        lock (arrivals)
        {
            arrivals.Add((happened, (now - happened).TotalMilliseconds));
        }

        Interlocked.Increment(ref arrivalCount);
    }

    private sealed class WebSocketEventClient : EventClient
    {
        private static readonly byte[] Subscribe = Encoding.UTF8.GetBytes(
            """{"type":"subscribe","timestamp":"2026-01-01T00:00:00Z","data":{"events":["task.completed","agent.status_changed"]},"request_id":"bench"}""");

        private static readonly byte[] HeartbeatReply = Encoding.UTF8.GetBytes("""{"type":"heartbeat","timestamp":"2026-01-01T00:00:00Z","data":{},"request_id":"bench"}""");

        private readonly ClientWebSocket socket = new();

        public override async Task ConnectAsync(Uri edge, BenchCaller caller)
        {
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
            socket.Options.SetRequestHeader("Authorization", "Bearer " + caller.Token);
            await socket.ConnectAsync(new Uri($"ws://{edge.Authority}/ws/agents/{caller.AgentId}"), CancellationToken.None);
            await socket.SendAsync(Subscribe, WebSocketMessageType.Text, true, CancellationToken.None);
            var buffer = new byte[4096];
            var ack = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
            if (!buffer.AsSpan(0, ack.Count).StartsWith("""{"type":"ack"""u8))
            {
                throw new InvalidOperationException("The subscription was not acknowledged: " + Encoding.UTF8.GetString(buffer, 0, ack.Count));
            }

            _ = ReceiveAsync();
        }

        public override void Dispose()
        {
            socket.Abort();
            socket.Dispose();
        }

        private async Task ReceiveAsync()
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    var length = 0;
                    ValueWebSocketReceiveResult received;
                    do
                    {
                        received = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                        length += received.Count;
                    }
                    while (!received.EndOfMessage);

                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        Failed = true;
                        return;
                    }

                    using var message = JsonDocument.Parse(buffer.AsMemory(0, length));
                    switch (message.RootElement.GetProperty("type").GetString())
                    {
                        case "event":
                            Arrived(message.RootElement.GetProperty("data").GetProperty("event"));
                            break;
                        case "heartbeat":
                            await socket.SendAsync(HeartbeatReply, WebSocketMessageType.Text, true, CancellationToken.None);
                            break;
                    }
                }
            }
            catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException)
            {
                Failed = true;
            }
        }
    }

    private sealed class ServerSentEventClient(HttpClient http) : EventClient
    {
        private HttpResponseMessage? response;

        public override async Task ConnectAsync(Uri edge, BenchCaller caller)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(edge, $"/api/v1/events/stream?agent_id={caller.AgentId}&types=task.completed,agent.status_changed"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", caller.Token);
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

            // The stream opens with its retry: field; once it is read, the subscription is live.
            await reader.ReadLineAsync();
            _ = ReceiveAsync(reader);
        }

        public override void Dispose() => response?.Dispose();

        private async Task ReceiveAsync(StreamReader reader)
        {
            try
            {
                while (await reader.ReadLineAsync() is { } line)
                {
                    if (line.StartsWith("data: ", StringComparison.Ordinal))
                    {
                        using var agentEvent = JsonDocument.Parse(line.AsMemory(6));
                        Arrived(agentEvent.RootElement);
                    }
                }
            }
            catch (Exception exception) when (exception is IOException or ObjectDisposedException or HttpRequestException)
            {
                // Ended by the bench.
            }

            Failed = true;
        }
    }
}
