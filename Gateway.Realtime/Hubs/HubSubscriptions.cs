using System.Collections.Concurrent;
using AgentCore.Gateway.Realtime.Streaming;
using AgentCore.Gateway.Realtime.Telemetry;
using Microsoft.AspNetCore.SignalR;

namespace AgentCore.Gateway.Realtime.Hubs;

/// <summary>
/// The hub connections of this instance and their per-agent subscriptions. Each subscription has a pump that sends its
/// queued events to the one connection: the event bus already brings every event to every instance, so each event
/// reaches each hub client exactly once from the instance it is connected to.
/// </summary>
internal sealed partial class HubSubscriptions(
    EventFanOut fanOut,
    IHubContext<AgentsHub> hub,
    RealtimeMetrics metrics,
    ILogger<HubSubscriptions> logger)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, EventSubscription>> byConnection = new(StringComparer.Ordinal);

    public IReadOnlySet<string> Subscribe(HubCallerContext caller, string tenantId, string agentId, IEnumerable<string> eventTypes, int queueCapacity)
    {
        var subscriptions = byConnection.GetOrAdd(caller.ConnectionId, static _ => new(StringComparer.Ordinal));
        var subscription = subscriptions.GetOrAdd(agentId, agent =>
        {
            var created = new EventSubscription(tenantId, agent, eventTypes: [], queueCapacity);
            fanOut.Add(created);
            _ = PumpAsync(caller, created);
            return created;
        });
        return subscription.Subscribe(eventTypes);
    }

    public IReadOnlySet<string> Unsubscribe(string connectionId, string agentId, IEnumerable<string> eventTypes) =>
        byConnection.TryGetValue(connectionId, out var subscriptions) && subscriptions.TryGetValue(agentId, out var subscription)
            ? subscription.Unsubscribe(eventTypes)
            : new HashSet<string>();

    public void RemoveConnection(string connectionId)
    {
        if (!byConnection.TryRemove(connectionId, out var subscriptions))
        {
            return;
        }

        foreach (var subscription in subscriptions.Values)
        {
            fanOut.Remove(subscription);
            subscription.Dispose();
        }
    }

    private async Task PumpAsync(HubCallerContext caller, EventSubscription subscription)
    {
        var client = hub.Clients.Client(caller.ConnectionId);
        try
        {
            await foreach (var streamEvent in subscription.Events.ReadAllAsync(subscription.CutOff).ConfigureAwait(false))
            {
                await client.SendAsync("event", streamEvent.Id.ToString(), streamEvent.Event, subscription.CutOff).ConfigureAwait(false);
                metrics.Sent(RealtimeTransports.SignalR);
            }
        }
        catch (OperationCanceledException) when (subscription.IsCutOff)
        {
            LogSlowConsumer(logger, caller.ConnectionId);
            caller.Abort();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hub connection {ConnectionId} fell behind its event queue and was disconnected")]
    private static partial void LogSlowConsumer(ILogger logger, string connectionId);
}
