using AgentCore.Gateway.Identity.Authorization;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace AgentCore.Gateway.Identity.Pruning;

/// <summary>
/// Deletes, every <see cref="TokenPruningOptions.Interval"/>, the tokens that can no longer be used (expired, redeemed,
/// revoked, or of a revoked authorization) and the authorizations that are finished (revoked, or ad hoc with no token
/// left), once older than the minimum age: every issued token adds a row, and without pruning the tables only grow.
/// Several instances may prune at once; a row deleted twice is deleted once.
/// </summary>
internal sealed partial class TokenPruner(
    IServiceScopeFactory scopes,
    IOptions<TokenPruningOptions> options,
    IOptions<TokenLifetimeOptions> lifetimes,
    TimeProvider time,
    ILogger<TokenPruner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await PruneAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // OpenIddict gathers the failures of its delete batches into one exception; the next tick tries again.
                LogPruningFailed(logger, exception);
            }
        }
    }

    /// <summary>Prunes once and returns how many tokens and authorizations were deleted.</summary>
    public async Task<(long Tokens, long Authorizations)> PruneAsync(CancellationToken cancellationToken)
    {
        var minimumAge = options.Value.MinimumAge > lifetimes.Value.RefreshTokenLifetime ? options.Value.MinimumAge : lifetimes.Value.RefreshTokenLifetime;
        var threshold = time.GetUtcNow() - minimumAge;
        await using var scope = scopes.CreateAsyncScope();
        var tokens = await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>()
            .PruneAsync(threshold, cancellationToken);
        var authorizations = await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>()
            .PruneAsync(threshold, cancellationToken);
        if (tokens + authorizations > 0)
        {
            LogPruned(logger, tokens, authorizations, threshold);
        }

        return (tokens, authorizations);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Tokens} tokens and {Authorizations} authorizations created before {Threshold:O}")]
    private static partial void LogPruned(ILogger logger, long tokens, long authorizations, DateTimeOffset threshold);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning tokens and authorizations failed; the next run tries again")]
    private static partial void LogPruningFailed(ILogger logger, Exception exception);
}
