namespace AgentCore.Samples.AgentRuntime.Storage;

/// <summary>
/// An event written in the same transaction as the state change it reports, and published to Redis afterwards, so
/// that an event is neither lost when Redis is down nor published for a change that was rolled back.
/// </summary>
internal sealed class OutboxMessage
{
    public long Id { get; init; }

    /// <summary>
    /// The event's own id, under which the relay publishes it once (<c>IAgentEventPublisher.PublishOnceAsync</c>), however
    /// often a crash makes it try.
    /// </summary>
    public Guid EventId { get; init; }

    public required string Type { get; init; }

    public required string AgentId { get; init; }

    public required string TenantId { get; init; }

    /// <summary>The event's data object (jsonb).</summary>
    public required string Data { get; init; }

    public DateTimeOffset OccurredAt { get; init; }

    public string? RequestId { get; init; }

    /// <summary>The W3C <c>traceparent</c> the publication continues: the trace of the request behind the event.</summary>
    public string? TraceParent { get; init; }

    /// <summary>When the event reached the stream; null until then.</summary>
    public DateTimeOffset? SentAt { get; set; }
}
