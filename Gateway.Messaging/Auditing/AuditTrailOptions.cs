using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Messaging.Auditing;

/// <summary>The <c>AuditTrail</c> configuration section of every service that records audit events.</summary>
public sealed class AuditTrailOptions
{
    public const string SectionName = "AuditTrail";

    /// <summary>How many events wait in memory while Redis is slow or away; past it, events are dropped and counted. Default: 10,000.</summary>
    [Range(1, 10_000_000)]
    public int BufferCapacity { get; set; } = 10_000;

    /// <summary>How many buffered events go to Redis in one pipelined batch. Default: 256.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 256;

    /// <summary>How long to wait before retrying a batch Redis refused. Default: 1 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Approximate cap of the stream's length, a guard against unbounded growth if the consumer stops for good.
    /// Default: 1,000,000 entries.
    /// </summary>
    [Range(1_000, long.MaxValue)]
    public long MaxStreamLength { get; set; } = 1_000_000;

    /// <summary>How long shutdown waits to flush what is still buffered. Default: 5 s.</summary>
    public TimeSpan ShutdownFlushTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
