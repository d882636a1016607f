using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Audit.Ingestion;

/// <summary>The <c>AuditIngestion</c> configuration section: how the audit stream is consumed.</summary>
internal sealed class AuditIngestionOptions
{
    public const string SectionName = "AuditIngestion";

    /// <summary>The consumer group shared by every Gateway.Audit instance. Default: <c>gateway-audit</c>.</summary>
    [Required]
    public string ConsumerGroup { get; set; } = "gateway-audit";

    /// <summary>
    /// This instance's consumer name, unique in the group. Default: empty, meaning the machine name plus a random suffix,
    /// so two instances (or a restart racing its predecessor) never share a pending list.
    /// </summary>
    public string? ConsumerName { get; set; }

    /// <summary>Stream entries read and committed together (one COPY, one transaction). Default: 1,000.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 1_000;

    /// <summary>Pause after a read that found nothing new (Redis blocking reads would tie up the shared connection). Default: 100 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long an entry stays pending with another consumer before this one claims it (XAUTOCLAIM). Default: 60 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan ClaimIdleTime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often to look for entries left by dead consumers, and to sample the lag metrics. Default: 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan ClaimInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Wait before retrying after Redis or PostgreSQL failed. Default: 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:05:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public string ResolveConsumerName() =>
        string.IsNullOrWhiteSpace(ConsumerName) ? $"{Environment.MachineName}-{Guid.NewGuid():N}" : ConsumerName;
}
