using System.Collections.Immutable;
using System.Threading.Channels;

namespace AgentCore.Gateway.Realtime.Streaming;

/// <summary>
/// What one connection wants from the event bus (its tenant, optionally one agent, and event types) and the bounded
/// queue of events waiting to be sent to it. When the queue is full the connection is a slow consumer: the subscription
/// stops accepting events and <see cref="CutOff"/> fires, so memory per connection stays bounded.
/// </summary>
internal sealed class EventSubscription : IDisposable
{
    private readonly Channel<StreamEvent> queue;
    private readonly CancellationTokenSource cutOff = new();
    private ImmutableHashSet<string>? eventTypes;

    /// <param name="tenantId">The caller's tenant: only its events are ever delivered.</param>
    /// <param name="agentId">The one agent to deliver events of; null for every agent of the tenant.</param>
    /// <param name="eventTypes">The types to deliver; null for every type.</param>
    /// <param name="capacity">How many events may wait before the connection counts as a slow consumer.</param>
    public EventSubscription(string tenantId, string? agentId, IEnumerable<string>? eventTypes, int capacity)
    {
        TenantId = tenantId;
        AgentId = agentId;
        this.eventTypes = eventTypes?.ToImmutableHashSet(StringComparer.Ordinal);
        queue = Channel.CreateBounded<StreamEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public string TenantId { get; }

    public string? AgentId { get; }

    /// <summary>The subscribed event types; null means every type.</summary>
    public IReadOnlySet<string>? EventTypes => eventTypes;

    public ChannelReader<StreamEvent> Events => queue.Reader;

    /// <summary>Cancelled when the queue overflowed and the connection must be closed as a slow consumer.</summary>
    public CancellationToken CutOff => cutOff.Token;

    public bool IsCutOff => cutOff.IsCancellationRequested;

    public bool Accepts(StreamEvent streamEvent) =>
        string.Equals(streamEvent.Event.TenantId, TenantId, StringComparison.Ordinal)
        && (AgentId is null || string.Equals(streamEvent.Event.AgentId, AgentId, StringComparison.Ordinal))
        && (eventTypes is not { } types || types.Contains(streamEvent.Event.Type));

    /// <summary>Queues the event; false when the queue is full, which cuts the subscription off for good.</summary>
    public bool Offer(StreamEvent streamEvent)
    {
        if (IsCutOff)
        {
            return false;
        }

        if (queue.Writer.TryWrite(streamEvent))
        {
            return true;
        }

        try
        {
            cutOff.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection ended while the bus was offering it this event: nothing is left to cut off.
        }

        queue.Writer.TryComplete();
        return false;
    }

    /// <summary>Adds event types and returns the whole subscribed set.</summary>
    public IReadOnlySet<string> Subscribe(IEnumerable<string> types)
    {
        ImmutableInterlocked.Update(ref eventTypes, static (current, added) => (current ?? []).Union(added), types);
        return eventTypes!;
    }

    /// <summary>Removes event types and returns what stays subscribed.</summary>
    public IReadOnlySet<string> Unsubscribe(IEnumerable<string> types)
    {
        ImmutableInterlocked.Update(ref eventTypes, static (current, removed) => (current ?? []).Except(removed), types);
        return eventTypes!;
    }

    /// <summary>Ends the queue once the connection is gone; remove the subscription from the fan-out first.</summary>
    public void Dispose()
    {
        queue.Writer.TryComplete();
        cutOff.Dispose();
    }
}
