using System.Diagnostics.Metrics;
using AgentCore.Gateway.Realtime.WebSockets;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Realtime.Telemetry;

/// <summary>The spec's WebSocket metrics, for every transport (tag <c>transport</c>: websocket, sse, signalr).</summary>
internal sealed class RealtimeMetrics
{
    public const string MeterName = "AgentCore.Gateway.Realtime";

    private readonly UpDownCounter<long> connections;
    private readonly Counter<long> messages;
    private readonly Histogram<double> durations;

    public RealtimeMetrics(IMeterFactory meterFactory, IOptions<AgentWebSocketOptions> webSockets)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge(
            "connection_capacity",
            () => new Measurement<int>(webSockets.Value.MaxConnections, new KeyValuePair<string, object?>("transport", RealtimeTransports.WebSocket)),
            description: "Open connections this instance accepts before refusing (WebSocket: MaxConnections); the capacity alert divides by it.");
        connections = meter.CreateUpDownCounter<long>("connection_count", description: "Open realtime connections.");
        messages = meter.CreateCounter<long>("message_throughput", unit: "{message}", description: "Messages sent to realtime clients.");
        durations = meter.CreateHistogram<double>("connection_duration", unit: "s", description: "How long realtime connections stayed open, by close reason.");
    }

    public void Connected(string transport) => connections.Add(1, new KeyValuePair<string, object?>("transport", transport));

    public void Sent(string transport, long count = 1) => messages.Add(count, new KeyValuePair<string, object?>("transport", transport));

    public void Disconnected(string transport, TimeSpan duration, string reason)
    {
        connections.Add(-1, new KeyValuePair<string, object?>("transport", transport));
        durations.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("transport", transport), new KeyValuePair<string, object?>("reason", reason));
    }
}

/// <summary>The values of the <c>transport</c> tag.</summary>
internal static class RealtimeTransports
{
    public const string WebSocket = "websocket";
    public const string ServerSentEvents = "sse";
    public const string SignalR = "signalr";
}
