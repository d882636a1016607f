using AgentCore.Gateway.Identity.Storage;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace AgentCore.Gateway.Identity.ApiKeys;

/// <summary>Re-publishes every active key at start-up, so that a Redis that lost its data gets them back.</summary>
internal sealed partial class ApiKeyRepublisher(IServiceScopeFactory scopes, ApiKeyPublisher publisher, TimeProvider time, ILogger<ApiKeyRepublisher> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await RepublishAsync(stoppingToken);
                return;
            }
            catch (RedisException exception)
            {
                LogRetrying(logger, exception, RetryDelay);
                await Task.Delay(RetryDelay, time, stoppingToken);
            }
        }
    }

    private async Task RepublishAsync(CancellationToken stoppingToken)
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
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis refused the API keys; retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-published {Count} active API keys to Redis")]
    private static partial void LogRepublished(ILogger logger, int count);
}
