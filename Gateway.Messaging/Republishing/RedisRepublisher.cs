using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AgentCore.Gateway.Messaging.Republishing;

/// <summary>
/// Keeps what a service owns in its database written to Redis, where other services read it: at start-up, whenever the
/// Redis connection is restored, and every <paramref name="interval"/>. Redis is then a cache of the database, and a
/// Redis that restarted without its data is filled again. A failed pass is retried after a few seconds.
/// </summary>
public abstract partial class RedisRepublisher(IConnectionMultiplexer redis, TimeSpan interval, ILogger logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private readonly Channel<bool> reconnected = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    protected IConnectionMultiplexer Redis => redis;

    /// <summary>What is republished, for log lines ("API keys").</summary>
    protected abstract string What { get; }

    /// <summary>Writes everything to Redis again; returns how many items.</summary>
    protected abstract Task<int> RepublishAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        redis.ConnectionRestored += OnConnectionRestored;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var delay = await TryRepublishAsync(stoppingToken).ConfigureAwait(false) ? interval : RetryDelay;
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wait.CancelAfter(delay);
                try
                {
                    await reconnected.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
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
            var count = await RepublishAsync(stoppingToken).ConfigureAwait(false);
            LogRepublished(logger, count, What);
            return true;
        }
        // A database failure may arrive wrapped by the data layer's retries (EF Core's execution strategy throws
        // RetryLimitExceededException around the last DbException once they are spent): an outage all the same.
        catch (Exception exception) when (exception is RedisException or DbException or TimeoutException
            || exception.InnerException is DbException)
        {
            LogRetrying(logger, exception, What, RetryDelay);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {What} could not be written to Redis again; retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, Exception exception, string what, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Wrote {Count} {What} to Redis again")]
    private static partial void LogRepublished(ILogger logger, int count, string what);
}
