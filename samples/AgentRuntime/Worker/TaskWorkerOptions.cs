using System.ComponentModel.DataAnnotations;

namespace AgentCore.Samples.AgentRuntime.Worker;

/// <summary>The <c>TaskWorker</c> section: the pace at which the simulated agents work.</summary>
internal sealed class TaskWorkerOptions
{
    public const string SectionName = "TaskWorker";

    /// <summary>
    /// The safety net: how long the worker and the outbox relay sleep when nothing is due and no commit notification
    /// arrives. They wake on commit and at the next due time, so this only bounds the delay after a lost notification
    /// (e.g. while the listening connection reconnects). Default: 30 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan SafetyNetInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Wait before retrying after PostgreSQL or Redis failed. Default: 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a task waits in <c>created</c> before it starts. Default: 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan StartDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a task runs. Default: 5 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RunDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many tasks or events one round handles at most. Default: 100.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>What <c>estimated_completion</c> promises: the start delay and the run time.</summary>
    public TimeSpan ExpectedDuration => StartDelay + RunDuration;
}
