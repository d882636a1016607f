using System.Threading.Channels;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Identity.Authorization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCore.Gateway.Identity.Revocation;

/// <summary>
/// Announces revocations to every token validator, as <see cref="TokenRevocations"/> says: added to the Redis sorted
/// set (which validators read on start and reconnect) and published on the channel (which they hear at once). Each
/// revocation is kept until no access token it could match is valid any more: the access-token lifetime, plus the
/// validators' clock skew. Writing happens in the background and is retried until Redis takes it, so that a request
/// that revokes never waits for, or fails with, Redis.
/// </summary>
internal sealed partial class RevocationPublisher(
    IConnectionMultiplexer redis,
    IOptions<TokenLifetimeOptions> lifetimes,
    TimeProvider time,
    ILogger<RevocationPublisher> logger) : BackgroundService
{
    /// <summary>Beyond the token lifetime: the most a validator's clock may lag behind (its skew) and then some.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly Channel<TokenRevocation> pending = Channel.CreateUnbounded<TokenRevocation>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues the revocation of everything <paramref name="kind"/> <paramref name="value"/> names, as of now.</summary>
    public TokenRevocation Revoke(string kind, string value)
    {
        var now = time.GetUtcNow();
        var revocation = new TokenRevocation(kind, value, now.ToUnixTimeSeconds(), (now + lifetimes.Value.AccessTokenLifetime + Margin).ToUnixTimeSeconds());
        pending.Writer.TryWrite(revocation);
        return revocation;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var revocation in pending.Reader.ReadAllAsync(stoppingToken))
            {
                while (!await TryWriteAsync(revocation))
                {
                    await Task.Delay(RetryDelay, time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; revocations not yet written are in the database, and OpenIddict refuses those tokens itself.
        }
    }

    private async Task<bool> TryWriteAsync(TokenRevocation revocation)
    {
        var json = TokenRevocations.Serialize(revocation);
        var ttl = TimeSpan.FromSeconds(revocation.ExpiresAt - time.GetUtcNow().ToUnixTimeSeconds());
        try
        {
            var database = redis.GetDatabase();
            var transaction = database.CreateTransaction();
            _ = transaction.SortedSetAddAsync(TokenRevocations.SetKey, json, revocation.ExpiresAt);
            _ = transaction.SortedSetRemoveRangeByScoreAsync(TokenRevocations.SetKey, double.NegativeInfinity, time.GetUtcNow().ToUnixTimeSeconds());
            // Every revocation lives equally long, so the newest one decides when the whole set may go.
            _ = transaction.KeyExpireAsync(TokenRevocations.SetKey, ttl);
            await transaction.ExecuteAsync();
            await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(TokenRevocations.Channel), json);
            LogPublished(logger, revocation.Kind);
            return true;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogRetrying(logger, revocation.Kind, exception);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Announced a {Kind} revocation")]
    private static partial void LogPublished(ILogger logger, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not announce a {Kind} revocation yet; retrying")]
    private static partial void LogRetrying(ILogger logger, string kind, Exception exception);
}
