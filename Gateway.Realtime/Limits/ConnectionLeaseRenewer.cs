using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCore.Gateway.Realtime.Limits;

/// <summary>Renews this instance's connection leases every third of <see cref="ConnectionLimitsOptions.LeaseDuration"/>.</summary>
internal sealed partial class ConnectionLeaseRenewer(
    ConnectionQuota quota,
    IOptions<ConnectionLimitsOptions> options,
    TimeProvider time,
    ILogger<ConnectionLeaseRenewer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.LeaseDuration / 3, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await quota.RenewAsync();
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                LogRenewalFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing realtime connection leases failed; retrying at the next interval")]
    private static partial void LogRenewalFailed(ILogger logger, Exception exception);
}
