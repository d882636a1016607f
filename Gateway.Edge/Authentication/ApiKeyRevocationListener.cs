using AgentCore.Gateway.Contracts;
using StackExchange.Redis;

namespace AgentCore.Gateway.Edge.Authentication;

/// <summary>
/// Evicts revoked keys as soon as Identity announces them. Announcements sent while the connection was down are
/// lost, so a restored connection empties the whole cache.
/// </summary>
internal sealed partial class ApiKeyRevocationListener(IConnectionMultiplexer redis, ApiKeyStore store, ILogger<ApiKeyRevocationListener> logger)
    : IHostedService
{
    private static readonly RedisChannel Channel = RedisChannel.Literal(ApiKeys.RevocationChannel);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored += OnConnectionRestored;
        try
        {
            await redis.GetSubscriber().SubscribeAsync(Channel, (_, hash) => store.Evict(hash.ToString()));
        }
        catch (RedisException exception)
        {
            // The multiplexer subscribes again once Redis is back; until then cached keys expire on their own.
            LogSubscribeFailed(logger, exception);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored -= OnConnectionRestored;
        try
        {
            await redis.GetSubscriber().UnsubscribeAsync(Channel);
        }
        catch (RedisException)
        {
            // Shutting down: nothing left to evict.
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs args) => store.EvictAll();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to API key revocations yet")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);
}
