using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Messaging.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace AgentCore.Gateway.Bench.Realtime;

/// <summary>
/// Events written straight onto the agent-events stream by the producers' own publisher
/// (<c>IAgentEventPublisher.PublishOnceAsync</c>, one event id each), exactly as the AgentRuntime's outbox relay
/// writes them, but without the AgentRuntime, its database and its relay: what is left is Realtime's reader and
/// fan-out and the Edge's proxying. The event's <c>timestamp</c> is taken just before the append, where the outbox
/// takes it at commit. Each event goes to one agent, round-robin, and alternates the types the subscribers subscribed to.
/// </summary>
internal sealed class StreamEventSource : IAsyncDisposable
{
    private readonly ConnectionMultiplexer redis;
    private readonly IHost host;
    private readonly IAgentEventPublisher publisher;
    private readonly IReadOnlyList<string> agents;
    private long sequence;

    private StreamEventSource(ConnectionMultiplexer redis, IHost host, IReadOnlyList<string> agents)
    {
        this.redis = redis;
        this.host = host;
        this.agents = agents;
        publisher = host.Services.GetRequiredService<IAgentEventPublisher>();
    }

    public static async Task<StreamEventSource> StartAsync(string redisConnectionString, IReadOnlyList<string> agents)
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(redisConnectionString);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<IConnectionMultiplexer>(redis);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddAgentEventPublisher();
        return new StreamEventSource(redis, builder.Build(), agents);
    }

    /// <summary>Publishes <paramref name="eventsPerSecond"/> events per second for <paramref name="duration"/>, on a fixed schedule.</summary>
    public Task<(int Succeeded, int Failed)> DriveAsync(int eventsPerSecond, TimeSpan duration) =>
        FixedRateDriver.RunAsync(TimeSpan.FromSeconds(1.0 / eventsPerSecond), duration, _ => PublishAsync());

    public async ValueTask DisposeAsync()
    {
        host.Dispose();
        await redis.DisposeAsync();
    }

    private Task<string> PublishAsync()
    {
        var index = sequence++;
        var agent = agents[(int)(index % agents.Count)];
        var now = DateTimeOffset.UtcNow;
        var taskId = Guid.CreateVersion7(now).ToString();

        // The worker's two shapes: a task completed, and the agent's status.
        var (type, data) = index % 2 == 0
            ? (AgentEventTypes.TaskCompleted, JsonSerializer.SerializeToElement(new { task_id = taskId, task_type = "bench", status = "completed" }))
            : (AgentEventTypes.AgentStatusChanged, JsonSerializer.SerializeToElement(new { status = "idle", task_id = taskId }));
        return publisher.PublishOnceAsync(new AgentEvent(type, agent, BenchCallers.TenantOf(agent), now, data, $"bench-{index}"), Guid.CreateVersion7(now));
    }
}
