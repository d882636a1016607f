using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Messaging.Events;

/// <summary>The <c>AgentEvents</c> configuration section: retention of the agent-events stream.</summary>
public sealed class AgentEventStreamOptions
{
    public const string SectionName = "AgentEvents";

    /// <summary>Approximate number of events the stream keeps for replay; older ones are trimmed on append. Default: 100,000.</summary>
    [Range(100, long.MaxValue)]
    public long MaxLength { get; set; } = 100_000;

    /// <summary>
    /// When set, events older than this are also trimmed on append (Redis <c>MINID</c>), whatever the length.
    /// Default: unset (length only).
    /// </summary>
    public TimeSpan? MaxAge { get; set; }

    /// <summary>
    /// How long <c>IAgentEventPublisher.PublishOnceAsync</c> remembers an event id, and so refuses to append the
    /// event again: longer than any producer takes to retry after a crash. Default: 1 day.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan PublishedIdRetention { get; set; } = TimeSpan.FromDays(1);
}
