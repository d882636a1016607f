using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCore.Gateway.ServiceDefaults.Redis;

/// <summary>
/// The service's current knowledge of what its Redis server can do: a <see cref="RedisCapabilityProbe"/> answer,
/// reused for <see cref="GatewayRedisOptions.CapabilityProbeInterval"/>. Logs when the answer changes.
/// </summary>
internal sealed partial class RedisCapabilityMonitor(
    IConnectionMultiplexer redis, IOptions<GatewayRedisOptions> options, TimeProvider time, ILogger<RedisCapabilityMonitor> logger) : IDisposable
{
    private readonly SemaphoreSlim probing = new(1, 1);
    private RedisCapabilityReport? report;
    private DateTimeOffset probedAt;

    /// <summary>The latest answer, probing again when it is stale. Throws when Redis does not answer.</summary>
    public async Task<RedisCapabilityReport> GetAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } current)
        {
            return current;
        }

        await probing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Fresh() is { } probedMeanwhile)
            {
                return probedMeanwhile;
            }

            var next = await RedisCapabilityProbe.ProbeAsync(redis, options.Value.PubSubProbeTimeout).ConfigureAwait(false);
            if (report is null || !report.MissingCommands.SequenceEqual(next.MissingCommands))
            {
                if (next.Problem is { } problem)
                {
                    LogIncapable(logger, problem);
                }
                else
                {
                    LogCapable(logger);
                }
            }

            (report, probedAt) = (next, time.GetUtcNow());
            return next;
        }
        finally
        {
            probing.Release();
        }
    }

    public void Dispose() => probing.Dispose();

    private RedisCapabilityReport? Fresh() =>
        report is not null && time.GetUtcNow() - probedAt < options.Value.CapabilityProbeInterval ? report : null;

    [LoggerMessage(EventId = 1, Level = LogLevel.Critical, Message = "{Problem} Events and audit records cannot flow until it does; readiness reports unhealthy.")]
    private static partial void LogIncapable(ILogger logger, string problem);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Redis supports Streams with consumer groups, Lua scripts and pub/sub")]
    private static partial void LogCapable(ILogger logger);
}
