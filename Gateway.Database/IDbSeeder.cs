using Microsoft.EntityFrameworkCore;

namespace AgentCore.Gateway.Database;

/// <summary>
/// Adds what a development environment needs to a freshly migrated database (<see cref="MigrationExtensions.AddMigration{TContext, TSeeder}"/>).
/// It runs at every start, and after a failure again, so it adds only what is missing.
/// </summary>
public interface IDbSeeder<in TContext>
    where TContext : DbContext
{
    Task SeedAsync(TContext context, CancellationToken cancellationToken);
}
