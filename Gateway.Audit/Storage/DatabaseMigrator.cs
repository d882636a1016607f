using Microsoft.EntityFrameworkCore;

namespace AgentCore.Gateway.Audit.Storage;

/// <summary>
/// Applies the EF Core migrations at start, retrying while PostgreSQL is unreachable, and opens <see cref="DatabaseSchema.Ready"/>
/// for the work that needs the schema. The host keeps serving health meanwhile, so a database outage at start shows as
/// unhealthy instead of a crash loop.
/// </summary>
internal sealed partial class DatabaseMigrator(
    IServiceScopeFactory scopes,
    DatabaseSchema schema,
    TimeProvider time,
    ILogger<DatabaseMigrator> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<AuditDbContext>().Database.MigrateAsync(stoppingToken).ConfigureAwait(false);
                schema.MarkReady();
                return;
            }
            catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                LogMigrationFailed(logger, exception, RetryDelay);
                await Task.Delay(RetryDelay, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not migrate the audit database; retrying in {Delay}")]
    private static partial void LogMigrationFailed(ILogger logger, Exception exception, TimeSpan delay);
}

/// <summary>Completes once the audit schema is up to date; ingestion and retention wait on it.</summary>
internal sealed class DatabaseSchema
{
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Ready => ready.Task;

    public void MarkReady() => ready.TrySetResult();
}
