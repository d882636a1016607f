using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AgentCore.Gateway.Database;

/// <summary>Unhealthy (so not ready) until <see cref="DatabaseMigration{TContext}"/> is applied.</summary>
internal sealed class MigrationHealthCheck<TContext>(DatabaseMigration<TContext> migration) : IHealthCheck
    where TContext : DbContext
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(migration.IsApplied
            ? HealthCheckResult.Healthy()
            : new HealthCheckResult(context.Registration.FailureStatus, "The database migrations are not applied yet."));
}
