using System.Collections.Concurrent;

namespace AgentCore.Gateway.Realtime.Streaming;

/// <summary>
/// This instance's connections, indexed by tenant, so that an event is only ever matched against subscriptions of the
/// tenant it belongs to.
/// </summary>
internal sealed class EventFanOut
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<EventSubscription, byte>> byTenant = new(StringComparer.Ordinal);
    private int count;

    /// <summary>Subscriptions currently registered on this instance.</summary>
    public int Count => Volatile.Read(ref count);

    public void Add(EventSubscription subscription)
    {
        if (byTenant.GetOrAdd(subscription.TenantId, static _ => new()).TryAdd(subscription, 0))
        {
            Interlocked.Increment(ref count);
        }
    }

    public void Remove(EventSubscription subscription)
    {
        if (byTenant.TryGetValue(subscription.TenantId, out var subscriptions) && subscriptions.TryRemove(subscription, out _))
        {
            Interlocked.Decrement(ref count);
        }
    }

    /// <summary>Queues the event for every matching subscription; a subscription whose queue overflows is removed.</summary>
    public void Publish(StreamEvent streamEvent)
    {
        if (!byTenant.TryGetValue(streamEvent.Event.TenantId, out var subscriptions))
        {
            return;
        }

        foreach (var subscription in subscriptions.Keys)
        {
            if (subscription.Accepts(streamEvent) && !subscription.Offer(streamEvent))
            {
                Remove(subscription);
            }
        }
    }
}
