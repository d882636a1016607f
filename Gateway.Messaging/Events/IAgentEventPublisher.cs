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
}
