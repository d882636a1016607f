using AgentCore.Gateway.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AgentCore.Gateway.Authentication.Revocation;

/// <summary>
/// Feeds the <see cref="RevocationList"/>: every announcement on <see cref="TokenRevocations.Channel"/> at once, and the
/// whole set <see cref="TokenRevocations.SetKey"/> on start and whenever the Redis connection comes back, because
/// announcements sent while it was down are lost. Until the first read succeeds it retries every few seconds; tokens
/// are meanwhile checked against what is held (fail open: Redis being down does not stop the gateway).
/// </summary>
internal sealed partial class RevocationListener(
    IConnectionMultiplexer redis,
    RevocationList revocations,
    TimeProvider time,
    ILogger<RevocationListener> logger) : BackgroundService
{
    private static readonly RedisChannel Channel = RedisChannel.Literal(TokenRevocations.Channel);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim reloadRequested = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        redis.ConnectionRestored += OnConnectionRestored;
        try
        {
            await SubscribeAsync(stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!await TryReloadAsync().ConfigureAwait(false))
                {
                    await Task.Delay(RetryDelay, time, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                await reloadRequested.WaitAsync(stoppingToken).ConfigureAwait(false);
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

    public override void Dispose()
    {
        reloadRequested.Dispose();
        base.Dispose();
    }

    private async Task SubscribeAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                // The multiplexer subscribes again by itself after a reconnect.
                await redis.GetSubscriber().SubscribeAsync(Channel, (_, message) =>
                {
                    if (TokenRevocations.Parse(message.ToString()) is { } revocation)
                    {
                        revocations.Add([revocation]);
                    }
                }).ConfigureAwait(false);
                return;
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                LogRedisUnavailable(logger, exception);
                await Task.Delay(RetryDelay, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<bool> TryReloadAsync()
    {
        try
        {
            var members = await redis.GetDatabase()
                .SortedSetRangeByScoreAsync(TokenRevocations.SetKey, start: time.GetUtcNow().ToUnixTimeSeconds(), stop: double.PositiveInfinity)
                .ConfigureAwait(false);
            revocations.Add(members.Select(member => TokenRevocations.Parse(member.ToString())).OfType<TokenRevocation>());
            LogReloaded(logger, revocations.Count);
            return true;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogRedisUnavailable(logger, exception);
            return false;
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs args)
    {
        try
        {
            reloadRequested.Release();
        }
        catch (SemaphoreFullException)
        {
            // A reload is already due.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Token revocations loaded from Redis; {Count} held")]
    private static partial void LogReloaded(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot read token revocations from Redis yet; retrying")]
    private static partial void LogRedisUnavailable(ILogger logger, Exception exception);
}
