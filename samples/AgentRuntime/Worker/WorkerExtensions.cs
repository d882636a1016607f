using AgentCore.Gateway.Messaging.Events;

namespace AgentCore.Samples.AgentRuntime.Worker;

internal static class WorkerExtensions
{
    /// <summary>
    /// The <see cref="TaskWorker"/>, the <see cref="OutboxRelay"/> with the agent-events publisher it hands events to,
    /// and the <see cref="CommitListener"/> that wakes both when work is committed.
    /// </summary>
    public static IHostApplicationBuilder AddTaskWorker(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<TaskWorkerOptions>(TaskWorkerOptions.SectionName);
        builder.AddAgentEventPublisher();
        builder.Services.AddSingleton<WorkSignals>();
        builder.Services.AddHostedService<CommitListener>();
        builder.Services.AddHostedService<TaskWorker>();
        builder.Services.AddHostedService<OutboxRelay>();
        return builder;
    }
}
