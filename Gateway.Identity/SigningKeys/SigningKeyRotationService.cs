using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Identity.SigningKeys;

/// <summary>Loads the keys before the service takes requests, then checks on schedule whether a rotation is due.</summary>
internal sealed partial class SigningKeyRotationService(
    SigningKeyRotator rotator,
    IOptions<SigningKeyOptions> options,
    TimeProvider time,
    ILogger<SigningKeyRotationService> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
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
