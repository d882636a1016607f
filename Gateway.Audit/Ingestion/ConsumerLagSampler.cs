using AgentCore.Gateway.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCore.Gateway.Audit.Ingestion;

/// <summary>
/// Samples the consumer group's backlog for the lag gauges on its own schedule, so the numbers keep moving exactly when
/// they matter: while ingestion is stuck on an outage.
/// </summary>
internal sealed partial class ConsumerLagSampler(
    IConnectionMultiplexer redis,
    IngestionMetrics metrics,
    IOptions<AuditIngestionOptions> options,
    TimeProvider time,
    ILogger<ConsumerLagSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ClaimInterval, time);
        do
        {
            try
            {
                await SampleAsync();
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                LogSampleFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    internal async Task SampleAsync()
    {
        var database = redis.GetDatabase();
        if (!await database.KeyExistsAsync(StreamNames.AuditEvents))
        {
            metrics.Sampled(0, 0, 0);
            return;
        }

        var groups = await database.StreamGroupInfoAsync(StreamNames.AuditEvents);
        var length = await database.StreamLengthAsync(StreamNames.AuditEvents);
        var group = groups.FirstOrDefault(candidate => candidate.Name == options.Value.ConsumerGroup);
        metrics.Sampled(group.PendingMessageCount, group.Lag ?? length, length);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not sample the audit consumer lag")]
    private static partial void LogSampleFailed(ILogger logger, Exception exception);
}
