using System.Text.Json;
using AgentCore.Gateway.Contracts;
using StackExchange.Redis;

namespace AgentCore.Gateway.Identity.ApiKeys;

/// <summary>
/// Publishes API keys to Redis as the <see cref="Contracts.ApiKeys"/> contract says, so that the Edge checks keys
/// without calling Identity: a record per key hash that expires with the key, deleted and announced on revocation.
/// </summary>
internal sealed class ApiKeyPublisher(IConnectionMultiplexer redis, TimeProvider time)
{
    public async Task PublishAsync(StoredApiKey key)
    {
        var ttl = key.ExpiresAt - time.GetUtcNow();
        if (ttl <= TimeSpan.Zero || key.RevokedAt is not null)
        {
            return;
        }

        var record = new ApiKeyRecord(key.Id, key.Name, key.TenantId, key.Scopes, key.ExpiresAt);
        await redis.GetDatabase().StringSetAsync(Contracts.ApiKeys.RedisKey(key.Hash), JsonSerializer.Serialize(record), ttl);
    }

    public async Task RevokeAsync(StoredApiKey key)
    {
        await redis.GetDatabase().KeyDeleteAsync(Contracts.ApiKeys.RedisKey(key.Hash));
        await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(Contracts.ApiKeys.RevocationChannel), key.Hash);
    }
}
