using AgentCore.Samples.AgentRuntime.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentCore.Samples.AgentRuntime.Worker;

/// <summary>
/// Holds one PostgreSQL connection that <c>LISTEN</c>s on the <see cref="CommitChannels"/> and turns each notification
/// into a <see cref="WorkSignals"/> wake-up, so the worker and the relay react to a commit in milliseconds, whichever
/// replica made it. After every (re)connection both loops are woken once, since a commit made while nobody listened
/// was announced to no one.
/// </summary>
internal sealed partial class CommitListener(
    IServiceScopeFactory scopes,
    WorkSignals signals,
    IOptions<TaskWorkerOptions> options,
    TimeProvider time,
    ILogger<CommitListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionString = await ConnectionStringAsync();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(connectionString, stoppingToken);
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException
                && !stoppingToken.IsCancellationRequested)
            {
                LogListenFailed(logger, exception, options.Value.RetryDelay);
                await Task.Delay(options.Value.RetryDelay, time, stoppingToken);
            }
        }
    }

    private async Task ListenAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        connection.Notification += (_, notification) =>
        {
            switch (notification.Channel)
            {
                case CommitChannels.Tasks:
                    signals.TasksChanged.Set();
                    break;
                case CommitChannels.Outbox:
                    signals.OutboxChanged.Set();
                    break;
            }
        };
        await connection.OpenAsync(cancellationToken);
        await using (var listen = new NpgsqlCommand($"LISTEN {CommitChannels.Tasks}; LISTEN {CommitChannels.Outbox}", connection))
        {
            await listen.ExecuteNonQueryAsync(cancellationToken);
        }

        signals.TasksChanged.Set();
        signals.OutboxChanged.Set();
        while (!cancellationToken.IsCancellationRequested)
        {
            await connection.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The store's connection string with TCP keepalives, so a connection that died silently is noticed, and without
    /// pooling: this connection is held for the process's life, never shared.
    /// </summary>
    private async Task<string> ConnectionStringAsync()
    {
        await using var scope = scopes.CreateAsyncScope();
        var configured = scope.ServiceProvider.GetRequiredService<AgentsDbContext>().Database.GetConnectionString()
            ?? throw new InvalidOperationException("The agents database has no connection string.");
        return new NpgsqlConnectionStringBuilder(configured) { Pooling = false, TcpKeepAlive = true, KeepAlive = 30 }.ConnectionString;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for commits failed; reconnecting in {Delay} (the loops fall back to their safety-net interval meanwhile)")]
    private static partial void LogListenFailed(ILogger logger, Exception exception, TimeSpan delay);
}
