using System.Collections.Immutable;

namespace AgentCore.Gateway.Realtime.Streaming;

/// <summary>
/// What one connection wants from the event bus (its tenant, optionally one agent, and event types) and the bounded
/// queue of events waiting to be sent to it. When the queue is full the connection is a slow consumer: the subscription
/// stops accepting events for good, so memory per connection stays bounded.
/// </summary>
/// <remarks>
/// An idle subscription holds no queue storage and no pending wait. A consumer either is told (<c>onQueued</c>, called
/// on the fan-out's thread after each event is queued, and after a cut-off) and drains with <see cref="TryRead"/>, or
/// waits with <see cref="WaitToReadAsync"/>.
/// </remarks>
internal sealed class EventSubscription : IDisposable
{
    private readonly Lock gate = new();
    private readonly int capacity;
    private readonly Action? onQueued;
    private Queue<StreamEvent>? queue;
    private TaskCompletionSource<bool>? waiter;
    private CancellationTokenSource? cutOffSource;
    private ImmutableHashSet<string>? eventTypes;
    private bool cutOff;
    private bool completed;
    private bool woken;

    /// <param name="tenantId">The caller's tenant: only its events are ever delivered.</param>
    /// <param name="agentId">The one agent to deliver events of; null for every agent of the tenant.</param>
    /// <param name="eventTypes">The types to deliver; null for every type.</param>
    /// <param name="capacity">How many events may wait before the connection counts as a slow consumer.</param>
    /// <param name="onQueued">Called after an event was queued or the subscription was cut off; null to use <see cref="WaitToReadAsync"/>.</param>
    public EventSubscription(string tenantId, string? agentId, IEnumerable<string>? eventTypes, int capacity, Action? onQueued = null)
    {
        TenantId = tenantId;
        AgentId = agentId;
        this.eventTypes = eventTypes?.ToImmutableHashSet(StringComparer.Ordinal);
        this.capacity = capacity;
        this.onQueued = onQueued;
    }

    public string TenantId { get; }

    public string? AgentId { get; }

    /// <summary>The subscribed event types; null means every type.</summary>
    public IReadOnlySet<string>? EventTypes => eventTypes;

    /// <summary>Cancelled when the queue overflowed and the connection must be closed as a slow consumer.</summary>
    public CancellationToken CutOff
    {
        get
        {
            var source = LazyInitializer.EnsureInitialized(ref cutOffSource);
            if (IsCutOff)
            {
                Cancel(source);
            }

            return source.Token;
        }
    }

    public bool IsCutOff => Volatile.Read(ref cutOff);

    /// <summary>True while an event is waiting to be read.</summary>
    public bool HasQueued
    {
        get
        {
            lock (gate)
            {
                return queue is { Count: > 0 };
            }
        }
    }

    public bool Accepts(StreamEvent streamEvent) =>
        string.Equals(streamEvent.Event.TenantId, TenantId, StringComparison.Ordinal)
        && (AgentId is null || string.Equals(streamEvent.Event.AgentId, AgentId, StringComparison.Ordinal))
        && (eventTypes is not { } types || types.Contains(streamEvent.Event.Type));

    /// <summary>Queues the event; false when the queue is full, which cuts the subscription off for good.</summary>
    public bool Offer(StreamEvent streamEvent)
    {
        TaskCompletionSource<bool>? release;
        lock (gate)
        {
            if (cutOff || completed)
            {
                return false;
            }

            queue ??= new Queue<StreamEvent>();
            if (queue.Count >= capacity)
            {
                Volatile.Write(ref cutOff, true);
                completed = true;
                queue.Clear();
            }
            else
            {
                queue.Enqueue(streamEvent);
            }

            release = waiter;
            waiter = null;
        }

        if (IsCutOff && Volatile.Read(ref cutOffSource) is { } source)
        {
            Cancel(source);
        }

        release?.TrySetResult(!IsCutOff);
        onQueued?.Invoke();
        return !IsCutOff;
    }

    /// <summary>Takes the oldest waiting event.</summary>
    public bool TryRead(out StreamEvent streamEvent)
    {
        lock (gate)
        {
            if (queue is { Count: > 0 } waiting)
            {
                streamEvent = waiting.Dequeue();
                if (waiting.Count == 0)
                {
                    // An idle connection keeps no queue storage.
                    queue = null;
                }

                return true;
            }
        }

        streamEvent = null!;
        return false;
    }

    /// <summary>True once an event is waiting; false when the subscription was cut off or disposed.</summary>
    public Task<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<bool> wait;
        lock (gate)
        {
            if (queue is { Count: > 0 } || woken)
            {
                woken = false;
                return Task.FromResult(true);
            }

            if (completed)
            {
                return Task.FromResult(false);
            }

            wait = waiter ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        return wait.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Wakes the consumer's <see cref="WaitToReadAsync"/> without an event, for a consumer with something else to do (a
    /// heartbeat); when it is not waiting, its next wait returns at once.
    /// </summary>
    public void Wake()
    {
        TaskCompletionSource<bool>? release;
        lock (gate)
        {
            if (waiter is null)
            {
                woken = true;
                return;
            }

            release = waiter;
            waiter = null;
        }

        release.TrySetResult(!completed);
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
        TaskCompletionSource<bool>? release;
        lock (gate)
        {
            completed = true;
            queue = null;
            release = waiter;
            waiter = null;
        }

        release?.TrySetResult(false);
        Interlocked.Exchange(ref cutOffSource, null)?.Dispose();
    }

    private static void Cancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection ended while the bus was offering it this event: nothing is left to cut off.
        }
    }
}
