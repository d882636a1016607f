using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Messaging.Events;

/// <summary>The one way producers append <see cref="AgentEvent"/>s to the agent-events stream, with bounded retention.</summary>
public interface IAgentEventPublisher
{
    /// <summary>Appends the event and returns its stream id, which is the event's id. Throws when Redis refuses.</summary>
    Task<string> PublishAsync(AgentEvent agentEvent, CancellationToken cancellationToken = default);
}
