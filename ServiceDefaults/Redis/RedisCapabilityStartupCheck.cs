using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AgentCore.Gateway.ServiceDefaults.Redis;

/// <summary>Probes at start-up, so a Redis that cannot do the job is reported in the log at once, not at first use.</summary>
internal sealed partial class RedisCapabilityStartupCheck(RedisCapabilityMonitor monitor, ILogger<RedisCapabilityStartupCheck> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await monitor.GetAsync(stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
            {
                LogUnreachable(logger, exception);
                await Task.Delay(RetryDelay, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Redis did not answer the start-up capability probe; trying again")]
    private static partial void LogUnreachable(ILogger logger, Exception exception);
}
