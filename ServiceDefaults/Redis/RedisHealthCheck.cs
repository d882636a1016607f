using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace AgentCore.Gateway.ServiceDefaults.Redis;

/// <summary>
/// Healthy only when Redis answers PING and can do what the gateway needs (<see cref="RedisCapabilityMonitor"/>);
/// otherwise unhealthy, with a description that names the missing commands.
/// </summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis, RedisCapabilityMonitor capabilities) : IHealthCheck
{
    public const string MissingCommandsKey = "missing_commands";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        RedisCapabilityReport report;
        try
        {
            await redis.GetDatabase().PingAsync().ConfigureAwait(false);
            report = await capabilities.GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis does not answer.", exception);
        }

        return report.Problem is { } problem
            ? new HealthCheckResult(
                context.Registration.FailureStatus,
                problem,
                data: new Dictionary<string, object> { [MissingCommandsKey] = report.MissingCommands })
            : HealthCheckResult.Healthy();
    }
}
