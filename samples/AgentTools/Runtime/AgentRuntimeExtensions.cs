using AgentCore.Gateway.Authentication.EdgeTrust;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Samples.AgentTools.Runtime;

internal static class AgentRuntimeExtensions
{
    /// <summary>
    /// <see cref="AgentRuntimeClient"/>, addressed by service discovery (<c>https+http://agentruntime</c>) and signing
    /// each call with the caller of the tool call being handled.
    /// </summary>
    public static IHostApplicationBuilder AddAgentRuntimeClient(this IHostApplicationBuilder builder)
    {
        builder.AddEdgeTrust();
        builder.Services.AddHttpClient<AgentRuntimeClient>(
                AgentRuntimeClient.HttpClientName,
                client => client.BaseAddress = new Uri($"https+http://{ServiceNames.AgentRuntime}"))
            .AddEdgeSignatureForCurrentCaller();
        return builder;
    }
}
