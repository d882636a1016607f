using System.Data.Common;
using System.Threading.Channels;
using AgentCore.Gateway.Identity.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCore.Gateway.Identity.ApiKeys;

/// <summary>
/// Publishes every active key again at start-up, whenever the Redis connection is restored, and on a schedule: Redis
/// is a cache of PostgreSQL here, and a Redis that restarted without its data must not lock out every API-key client.
/// </summary>
internal sealed partial class ApiKeyRepublisher(
    IServiceScopeFactory scopes,
    ApiKeyPublisher publisher,
    IConnectionMultiplexer redis,
    IOptions<ApiKeyOptions> options,
    TimeProvider time,
    ILogger<ApiKeyRepublisher> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private readonly Channel<bool> reconnected = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        redis.ConnectionRestored += OnConnectionRestored;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var delay = await TryRepublishAsync(stoppingToken) ? options.Value.RepublishInterval : RetryDelay;
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wait.CancelAfter(delay);
                try
                {
                    await reconnected.Reader.ReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // The interval passed without a reconnection: time for the scheduled pass.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            redis.ConnectionRestored -= OnConnectionRestored;
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => reconnected.Writer.TryWrite(true);

    private async Task<bool> TryRepublishAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<IdentityStoreDbContext>();
            var now = time.GetUtcNow();
            var active = await db.ApiKeys.AsNoTracking()
                .Where(key => key.RevokedAt == null && key.ExpiresAt > now)
                .ToListAsync(stoppingToken);
            foreach (var key in active)
            {
                await publisher.PublishAsync(key);
            }

            LogRepublished(logger, active.Count);
            return true;
        }
        catch (Exception exception) when (exception is RedisException or DbException or TimeoutException)
        {
            LogRetrying(logger, exception, RetryDelay);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The API keys could not be published again; retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published {Count} active API keys to Redis again")]
    private static partial void LogRepublished(ILogger logger, int count);
}
