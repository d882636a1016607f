using System.ComponentModel.DataAnnotations;

namespace AgentCore.Samples.AgentRuntime.Worker;

/// <summary>The <c>TaskWorker</c> section: the pace at which the simulated agents work.</summary>
internal sealed class TaskWorkerOptions
{
    public const string SectionName = "TaskWorker";

    /// <summary>How often the worker looks for work and unsent events. Default: 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a task waits in <c>created</c> before it starts. Default: 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan StartDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a task runs. Default: 5 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RunDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many tasks or events one round handles at most. Default: 100.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>What <c>estimated_completion</c> promises: start delay, run time and one poll interval.</summary>
    public TimeSpan ExpectedDuration => StartDelay + RunDuration + PollInterval;
}
