using AgentCore.Gateway.ServiceDefaults.Redis;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using StackExchange.Redis;

namespace AgentCore.Gateway.AppHost.Infrastructure;

/// <summary>
/// Answers healthy when the server answers over the Redis protocol, password included, and a capability probe shows it
/// can do what the services need; otherwise the description names what is missing.
/// </summary>
internal sealed class RedisCapabilityHealthCheck(IResourceWithConnectionString resource) : IHealthCheck
{
    private static readonly TimeSpan PubSubTimeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken);
        RedisCapabilityReport report;
        try
        {
            var options = ConfigurationOptions.Parse(connectionString!);
            options.AbortOnConnectFail = true;
            options.ConnectTimeout = 2000;
            await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
            report = await RedisCapabilityProbe.ProbeAsync(connection, PubSubTimeout);
        }
        catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer.", exception);
        }

        return report.Problem is { } problem ? HealthCheckResult.Unhealthy(problem) : HealthCheckResult.Healthy();
    }
}

/// <summary>Answers healthy when a connection to the database opens and runs a query.</summary>
internal sealed class PostgresQueryHealthCheck(IResourceWithConnectionString resource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken);
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 3 };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (NpgsqlException exception)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL does not answer a query.", exception);
        }
    }
}
