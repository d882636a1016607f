using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentCore.Gateway.Messaging.Events;

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
