namespace AgentCore.Samples.AgentRuntime.Storage;

/// <summary>The states of <see cref="AgentTask.Status"/>.</summary>
internal static class TaskStatuses
{
    public const string Created = "created";
    public const string Running = "running";
    public const string Completed = "completed";

    /// <summary>Stopped before it completed (<c>POST …/tasks/cancel</c>); the worker never picks it up again.</summary>
    public const string Cancelled = "cancelled";
}
