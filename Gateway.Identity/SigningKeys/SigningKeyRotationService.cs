using AgentCore.Gateway.Database;
using AgentCore.Gateway.Identity.Storage;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Identity.SigningKeys;

/// <summary>
/// Loads the keys before the service takes requests, then checks on schedule whether a rotation is due. The keys live in
/// the database, so the start waits for its migrations: until PostgreSQL answers, Identity waits rather than listening
/// without keys (OpenIddict cannot answer without them) or failing.
/// </summary>
internal sealed partial class SigningKeyRotationService(
    DatabaseMigration<IdentityStoreDbContext> migration,
    SigningKeyRotator rotator,
    IOptions<SigningKeyOptions> options,
    TimeProvider time,
    ILogger<SigningKeyRotationService> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await migration.WaitAsync(cancellationToken);
        await rotator.RotateAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await rotator.RotateAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The keys in force keep working; the next tick tries again.
                LogRotationFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Signing key rotation check failed")]
    private static partial void LogRotationFailed(ILogger logger, Exception exception);
}
