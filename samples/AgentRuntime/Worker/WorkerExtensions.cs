namespace AgentCore.Samples.AgentRuntime.Worker;

internal static class WorkerExtensions
{
    /// <summary>The <see cref="TaskWorker"/> and the agent-events publisher it hands the outbox to.</summary>
    public static IHostApplicationBuilder AddTaskWorker(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<TaskWorkerOptions>(TaskWorkerOptions.SectionName);
        builder.AddAgentEventPublisher();
        builder.Services.AddHostedService<TaskWorker>();
        return builder;
    }
}
