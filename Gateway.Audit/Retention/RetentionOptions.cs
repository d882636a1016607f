using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Audit.Retention;

/// <summary>The <c>AuditRetention</c> configuration section: how long the trail is kept.</summary>
internal sealed class RetentionOptions
{
    public const string SectionName = "AuditRetention";

    /// <summary>Events (and dead letters) older than this, by their own timestamp, are deleted. Default: 30 days.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Time between two sweeps. Default: 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Rows deleted per statement, so a sweep never holds long locks nor bloats one transaction. Default: 5,000.</summary>
    [Range(1, 1_000_000)]
    public int DeleteBatchSize { get; set; } = 5_000;
}
