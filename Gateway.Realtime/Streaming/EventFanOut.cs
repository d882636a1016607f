using System.Collections.Concurrent;

namespace AgentCore.Gateway.Realtime.Streaming;

/// <summary>
/// This instance's subscriptions, indexed by tenant and agent, so that an event is only ever matched against
/// subscriptions of the tenant it belongs to, and only against those of its agent (or of every agent of the tenant).
/// Each index entry is an array replaced on change: publishing, which happens for every event, reads it without a lock
/// or an allocation; subscribing and leaving, once per connection, copy it.
/// </summary>
internal sealed class EventFanOut
{
    private readonly ConcurrentDictionary<(string Tenant, string? Agent), EventSubscription[]> index = new();
    private readonly Lock changes = new();
    private int count;

    /// <summary>Subscriptions currently registered on this instance.</summary>
    public int Count => Volatile.Read(ref count);

    public void Add(EventSubscription subscription)
    {
        var key = (subscription.TenantId, subscription.AgentId);
        lock (changes)
        {
            var current = index.GetValueOrDefault(key, []);
            if (Array.IndexOf(current, subscription) >= 0)
            {
                return;
            }

            index[key] = [.. current, subscription];
            count++;
        }
    }

    public void Remove(EventSubscription subscription)
    {
        var key = (subscription.TenantId, subscription.AgentId);
        lock (changes)
        {
            var current = index.GetValueOrDefault(key, []);
            var position = Array.IndexOf(current, subscription);
            if (position < 0)
            {
                return;
            }

            if (current.Length == 1)
            {
                index.TryRemove(key, out _);
            }
            else
            {
                index[key] = [.. current.AsSpan(0, position), .. current.AsSpan(position + 1)];
            }

            count--;
        }
    }

    /// <summary>Queues the event for every matching subscription; a subscription whose queue overflows is removed.</summary>
    public void Publish(StreamEvent streamEvent)
    {
        var tenant = streamEvent.Event.TenantId;
        Offer(streamEvent, index.GetValueOrDefault((tenant, streamEvent.Event.AgentId)));
        Offer(streamEvent, index.GetValueOrDefault((tenant, null)));
    }

    private void Offer(StreamEvent streamEvent, EventSubscription[]? subscriptions)
    {
        if (subscriptions is null)
        {
            return;
        }

        foreach (var subscription in subscriptions)
        {
            if (subscription.Accepts(streamEvent) && !subscription.Offer(streamEvent))
            {
                Remove(subscription);
            }
        }
    }
}
