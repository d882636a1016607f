using System.Collections.Concurrent;
using AgentCore.Gateway.Realtime.Limits;
using AgentCore.Gateway.Realtime.Streaming;
using AgentCore.Gateway.Realtime.Telemetry;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

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
    IOptions<ConnectionLimitsOptions> limits,
    ILogger<HubSubscriptions> logger)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, EventSubscription>> byConnection = new(StringComparer.Ordinal);

    /// <remarks>
    /// SignalR runs one connection's invocations one at a time, so the count of its agents cannot change between the
    /// check of <see cref="ConnectionLimitsOptions.MaxAgentsPerHubConnection"/> and the subscription.
    /// </remarks>
    public IReadOnlySet<string> Subscribe(HubCallerContext caller, string tenantId, string agentId, IEnumerable<string> eventTypes, int queueCapacity)
    {
        var subscriptions = byConnection.GetOrAdd(caller.ConnectionId, static _ => new(StringComparer.Ordinal));
        var maximum = limits.Value.MaxAgentsPerHubConnection;
        if (!subscriptions.ContainsKey(agentId) && subscriptions.Count >= maximum)
        {
            throw new HubException($"A connection may subscribe to at most {maximum} agents at once; unsubscribe from one first.");
        }

        var subscription = subscriptions.GetOrAdd(agentId, agent =>
        {
            var created = new EventSubscription(tenantId, agent, eventTypes: [], queueCapacity);
            fanOut.Add(created);
            _ = PumpAsync(caller, created);
            return created;
        });
        return subscription.Subscribe(eventTypes);
    }

    /// <summary>Removes event types; an agent left with none is dropped, and no longer counts against the connection's agents.</summary>
    public IReadOnlySet<string> Unsubscribe(string connectionId, string agentId, IEnumerable<string> eventTypes)
    {
        if (!byConnection.TryGetValue(connectionId, out var subscriptions) || !subscriptions.TryGetValue(agentId, out var subscription))
        {
            return new HashSet<string>();
        }

        var remaining = subscription.Unsubscribe(eventTypes);
        if (remaining.Count == 0 && subscriptions.TryRemove(agentId, out _))
        {
            fanOut.Remove(subscription);
            subscription.Dispose();
        }

        return remaining;
    }

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
            while (await subscription.WaitToReadAsync(subscription.CutOff))
            {
                while (subscription.TryRead(out var streamEvent))
                {
                    await client.SendAsync("event", streamEvent.Id.ToString(), streamEvent.Event, subscription.CutOff);
                    metrics.Sent(RealtimeTransports.SignalR);
                }
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
