namespace AgentCore.Samples.AgentRuntime.Agents;

internal static class AgentsExtensions
{
    /// <summary>The agent directory registration (<see cref="AgentDirectoryPublisher"/>); needs the runtime's storage.</summary>
    public static IHostApplicationBuilder AddAgentDirectory(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHostedService<AgentDirectoryPublisher>();
        return builder;
    }
}
