using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentCore.Gateway.Database;

/// <summary>The one way every service with a database of its own applies its migrations and its development seed.</summary>
public static class MigrationExtensions
{
    /// <summary>
    /// Applies <typeparamref name="TContext"/>'s EF Core migrations at start, in the background and again every two
    /// seconds while PostgreSQL does not answer, so a service started before its database waits for it instead of failing.
    /// Until the schema is up to date, readiness reports the check <c>{TContext}-migrations</c> unhealthy; work that needs
    /// the schema waits on <see cref="DatabaseMigration{TContext}"/>. Needs the context registered (<c>AddNpgsqlDbContext</c>).
    /// </summary>
    public static IHostApplicationBuilder AddMigration<TContext>(this IHostApplicationBuilder builder)
        where TContext : DbContext
    {
        builder.Services.AddSingleton<DatabaseMigration<TContext>>();
        builder.Services.AddHostedService<MigrationService<TContext>>();
        builder.Services.AddHealthChecks().AddCheck<MigrationHealthCheck<TContext>>(DatabaseMigration<TContext>.HealthCheckName);
        return builder;
    }

    /// <summary>
    /// <see cref="AddMigration{TContext}"/>, and in the Development environment only, <typeparamref name="TSeeder"/> once the
    /// migrations are applied; readiness then waits for the seed too. In any other environment the seeder is not even registered.
    /// </summary>
    public static IHostApplicationBuilder AddMigration<TContext, TSeeder>(this IHostApplicationBuilder builder)
        where TContext : DbContext
        where TSeeder : class, IDbSeeder<TContext>
    {
        if (builder.Environment.IsDevelopment())
        {
            builder.Services.AddScoped<IDbSeeder<TContext>, TSeeder>();
        }

        return builder.AddMigration<TContext>();
    }
}
