using AgentCore.Gateway.TestSupport;
using StackExchange.Redis;

namespace AgentCore.Gateway.Messaging.Tests.Infrastructure;

/// <summary>
/// A real redis-server private to one test class (classes run in parallel, so a class may stop its server without
/// disturbing others). Each test starts from an empty Redis.
/// </summary>
public sealed class RedisInfrastructure : IAsyncLifetime
{
    public RedisServer Redis { get; private set; } = null!;

    public ConnectionMultiplexer RedisClient { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        RedisClient = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString + ",allowAdmin=true");
    }

    /// <summary>Empties Redis.</summary>
    public async Task ResetAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RedisClient.GetServer(RedisClient.GetEndPoints()[0]).FlushAllDatabasesAsync();
                return;
            }
            catch (RedisConnectionException) when (attempt < 50)
            {
                // A previous test restarted Redis; this connection is still finding it again.
                await Task.Delay(200);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await RedisClient.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
