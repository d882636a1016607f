using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentCore.Gateway.Database;

/// <summary>
/// Migrates, then seeds when a seeder is registered, then marks <see cref="DatabaseMigration{TContext}"/> applied. While the
/// database does not answer, or refuses (two instances seeding at once), it tries the whole again after a delay: both steps
/// are idempotent. Any other failure (a migration that cannot apply) is final: the waiting work fails and the host stops.
/// </summary>
internal sealed partial class MigrationService<TContext>(
    IServiceScopeFactory scopes,
    DatabaseMigration<TContext> migration,
    TimeProvider time,
    ILogger<MigrationService<TContext>> logger) : BackgroundService
    where TContext : DbContext
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await MigrateAndSeedAsync(stoppingToken).ConfigureAwait(false);
                migration.MarkApplied();
                return;
            }
            catch (Exception exception) when (IsDatabaseFailure(exception) && !stoppingToken.IsCancellationRequested)
            {
                LogRetrying(logger, exception, typeof(TContext).Name, RetryDelay);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                migration.MarkFailed(exception);
                throw;
            }

            await Task.Delay(RetryDelay, time, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task MigrateAndSeedAsync(CancellationToken stoppingToken)
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var context = scope.ServiceProvider.GetRequiredService<TContext>();
            await context.Database.MigrateAsync(stoppingToken).ConfigureAwait(false);
            if (scope.ServiceProvider.GetService<IDbSeeder<TContext>>() is { } seeder)
            {
                await seeder.SeedAsync(context, stoppingToken).ConfigureAwait(false);
                LogSeeded(logger, typeof(TContext).Name);
            }
        }
    }

    private static bool IsDatabaseFailure(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is DbException or TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not migrate the database of {Context}; retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, Exception exception, string context, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Development seed of {Context} applied")]
    private static partial void LogSeeded(ILogger logger, string context);
}
