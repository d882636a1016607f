using AgentCore.Gateway.Identity.Storage;
using AgentCore.Gateway.Messaging.Republishing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCore.Gateway.Identity.ApiKeys;

/// <summary>
/// Publishes every active key again at start-up, whenever the Redis connection is restored, and on a schedule: a Redis
/// that restarted without its data must not lock out every API-key client.
/// </summary>
internal sealed class ApiKeyRepublisher(
    IServiceScopeFactory scopes,
    ApiKeyPublisher publisher,
    IConnectionMultiplexer redis,
    IOptions<ApiKeyOptions> options,
    TimeProvider time,
    ILogger<ApiKeyRepublisher> logger) : RedisRepublisher(redis, options.Value.RepublishInterval, logger)
{
    protected override string What => "API keys";

    protected override async Task<int> RepublishAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityStoreDbContext>();
        var now = time.GetUtcNow();
        var active = await db.ApiKeys.AsNoTracking()
            .Where(key => key.RevokedAt == null && key.ExpiresAt > now)
            .ToListAsync(cancellationToken);
        foreach (var key in active)
        {
            await publisher.PublishAsync(key);
        }

        return active.Count;
    }
}
