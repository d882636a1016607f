using AgentCore.Gateway.ServiceDefaults.Events;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class AgentEventExtensions
{
    /// <summary><see cref="IAgentEventPublisher"/> on the shared Redis connection. Needs <c>AddGatewayRedis</c>.</summary>
    public static TBuilder AddAgentEventPublisher<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<AgentEventStreamOptions>()
            .Bind(builder.Configuration.GetSection(AgentEventStreamOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IAgentEventPublisher, RedisAgentEventPublisher>();
        return builder;
    }
}
