using AgentCore.Gateway.ServiceDefaults.Events;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class AgentEventExtensions
{
    /// <summary><see cref="IAgentEventPublisher"/> on the shared Redis connection. Needs <c>AddGatewayRedis</c>.</summary>
    public static TBuilder AddAgentEventPublisher<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddValidatedOptions<AgentEventStreamOptions>(AgentEventStreamOptions.SectionName);
        builder.Services.AddSingleton<IAgentEventPublisher, RedisAgentEventPublisher>();
        return builder;
    }
}
