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
}
