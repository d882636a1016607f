using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Messaging.Events;

/// <summary>The one way producers append <see cref="AgentEvent"/>s to the agent-events stream, with bounded retention.</summary>
public interface IAgentEventPublisher
{
    /// <summary>Appends the event and returns its stream id, which is the event's id. Throws when Redis refuses.</summary>
    Task<string> PublishAsync(AgentEvent agentEvent, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends the event unless one with the same <paramref name="eventId"/> was appended within
    /// <see cref="AgentEventStreamOptions.PublishedIdRetention"/>, and returns the stream id the event has either way.
    /// For a producer that may publish an event again after a crash (an outbox that crashed between the append and
    /// marking it sent): the check and the append are one atomic script, so the stream holds the event once.
    /// </summary>
    Task<string> PublishOnceAsync(AgentEvent agentEvent, Guid eventId, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="PublishOnceAsync(AgentEvent, Guid, CancellationToken)"/> for many events in one Redis round trip: one
    /// atomic script appends them in the given order, each unless its event id was appended before, and returns the
    /// stream ids in the same order. Throws when Redis refuses; then none or all of them were handled, and publishing
    /// the same events again appends only the ones not yet appended.
    /// </summary>
    Task<IReadOnlyList<string>> PublishOnceAsync(IReadOnlyList<IdentifiedAgentEvent> events, CancellationToken cancellationToken = default);
}

/// <summary>An event with the id under which <see cref="IAgentEventPublisher.PublishOnceAsync(IReadOnlyList{IdentifiedAgentEvent}, CancellationToken)"/> appends it once.</summary>
/// <param name="Event">The event.</param>
/// <param name="EventId">The producer's own id for it, the same on every attempt.</param>
public readonly record struct IdentifiedAgentEvent(AgentEvent Event, Guid EventId);
