using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Messaging.Events;
using AgentCore.Gateway.ServiceDefaults.Redis;
using AgentCore.Gateway.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace AgentCore.Gateway.Realtime.Tests.Infrastructure;

/// <summary>
/// A real redis-server, the token server, and the real agent event publisher, shared by the realtime tests. Tests
/// isolate themselves by tenant and agent ids, so the one stream can serve them all.
/// </summary>
public sealed class RealtimeFixture : IAsyncLifetime
{
    private RedisServer? redis;
    private GatewayTokenServer? tokens;
    private IHost? producer;

    internal GatewayTokenServer Tokens => tokens!;

    internal IAgentEventPublisher Publisher => producer!.Services.GetRequiredService<IAgentEventPublisher>();

    internal IConnectionMultiplexer Redis => producer!.Services.GetRequiredService<IConnectionMultiplexer>();

    public async ValueTask InitializeAsync()
    {
        redis = await RedisServer.StartAsync();
        tokens = await GatewayTokenServer.StartAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [$"ConnectionStrings:{ServiceNames.Redis}"] = redis.ConnectionString });
        builder.AddGatewayRedis();
        builder.AddAgentEventPublisher();
        builder.Services.AddSingleton(TimeProvider.System);
        producer = builder.Build();
    }

    /// <summary>A Realtime instance on this fixture's Redis and token server, with extra settings and optionally a fake clock or other services.</summary>
    internal RealtimeServer StartRealtime(IReadOnlyDictionary<string, string?>? overrides = null, TimeProvider? time = null, Action<IServiceCollection>? services = null)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{ServiceNames.Redis}"] = redis!.ConnectionString,
            [GatewayTokens.IssuerConfigurationKey] = GatewayTokenServer.Issuer,
            ["Authentication:Jwt:MetadataAddress"] = tokens!.MetadataAddress,
            ["Realtime:EventStream:ReadBlockTimeout"] = "00:00:01",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Realtime:WebSockets:AllowedOrigins:0"] = "https://app.agentcore.test",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return RealtimeServer.Start(settings, time, services);
    }

    /// <summary>A new agent of <paramref name="tenantId"/>, registered in the agent directory as the AgentRuntime registers its agents.</summary>
    internal async Task<string> NewAgentAsync(string tenantId)
    {
        var agentId = Ids.Agent();
        await Redis.GetDatabase().HashSetAsync(AgentDirectory.TenantsKey, agentId, tenantId);
        return agentId;
    }

    /// <summary>A new tenant with a new registered agent.</summary>
    internal async Task<(string Tenant, string Agent)> NewAgentAsync()
    {
        var tenantId = Ids.Tenant();
        return (tenantId, await NewAgentAsync(tenantId));
    }

    /// <summary>Publishes through the producers' own publisher and returns the event id.</summary>
    internal Task<string> PublishAsync(string tenantId, string agentId, string type = AgentEventTypes.TaskCompleted, object? data = null) =>
        Publisher.PublishAsync(new AgentEvent(
            type,
            agentId,
            tenantId,
            DateTimeOffset.UtcNow,
            System.Text.Json.JsonSerializer.SerializeToElement(data ?? new { task_id = Guid.NewGuid() }),
            Guid.NewGuid().ToString()));

    /// <summary>Announces a revocation as Identity does: into the sorted set and on the channel (<see cref="TokenRevocations"/>).</summary>
    internal async Task AnnounceRevocationAsync(string kind, string value)
    {
        var now = DateTimeOffset.UtcNow;
        var json = TokenRevocations.Serialize(new TokenRevocation(kind, value, now.ToUnixTimeSeconds(), now.AddHours(1).ToUnixTimeSeconds()));
        await Redis.GetDatabase().SortedSetAddAsync(TokenRevocations.SetKey, json, now.AddHours(1).ToUnixTimeSeconds());
        await Redis.GetSubscriber().PublishAsync(RedisChannel.Literal(TokenRevocations.Channel), json);
    }

    public async ValueTask DisposeAsync()
    {
        producer?.Dispose();
        if (tokens is not null)
        {
            await tokens.DisposeAsync();
        }

        if (redis is not null)
        {
            await redis.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RealtimeGroup : ICollectionFixture<RealtimeFixture>
{
    public const string Name = "realtime";
}

/// <summary>Unique ids, so that tests sharing the stream never see each other's events.</summary>
internal static class Ids
{
    public static string Tenant() => "tenant-" + Guid.NewGuid().ToString("N")[..8];

    public static string Agent() => "agent-" + Guid.NewGuid().ToString("N")[..8];
}
