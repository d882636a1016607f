using AgentCore.Gateway.Audit.Storage;
using AgentCore.Gateway.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Audit.Retention;

/// <summary>Deletes what is older than the retention period, in batches, every <see cref="RetentionOptions.SweepInterval"/>.</summary>
internal sealed partial class RetentionSweeper(
    IServiceScopeFactory scopes,
    DatabaseMigration<AuditDbContext> migration,
    IOptions<RetentionOptions> options,
    TimeProvider time,
    ILogger<RetentionSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await migration.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                LogSweepFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Deletes every event and dead letter older than the retention period; returns how many events went.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.Retention;
        var batchSize = options.Value.DeleteBatchSize;
        await using var scope = scopes.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<AuditDbContext>();
        var total = 0;
        int deleted;
        do
        {
            deleted = await context.Events
                .Where(record => context.Events
                    .Where(old => old.Timestamp < cutoff)
                    .OrderBy(old => old.Timestamp)
                    .Take(batchSize)
                    .Select(old => old.Id)
                    .Contains(record.Id))
                .ExecuteDeleteAsync(cancellationToken);
            total += deleted;
        }
        while (deleted == batchSize);

        await context.DeadLetters.Where(letter => letter.ReceivedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        if (total > 0)
        {
            LogSwept(logger, total, cutoff);
        }

        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention deleted {Count} audit events older than {Cutoff:O}")]
    private static partial void LogSwept(ILogger logger, int count, DateTimeOffset cutoff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention sweep failed; the next sweep retries")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
