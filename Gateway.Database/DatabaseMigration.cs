using Microsoft.EntityFrameworkCore;

namespace AgentCore.Gateway.Database;

/// <summary>
/// Whether <typeparamref name="TContext"/>'s schema is up to date (and, in Development, seeded): what the readiness check
/// reports and what work that needs the schema waits on.
/// </summary>
public sealed class DatabaseMigration<TContext>
    where TContext : DbContext
{
    /// <summary>The readiness check's name: the context's, so that a service with two databases reports each.</summary>
    public static readonly string HealthCheckName = $"{typeof(TContext).Name}-migrations";

    private readonly TaskCompletionSource applied = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsApplied => applied.Task.IsCompletedSuccessfully;

    /// <summary>Completes once the schema is up to date; throws when applying it failed for good.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => applied.Task.WaitAsync(cancellationToken);

    internal void MarkApplied() => applied.TrySetResult();

    internal void MarkFailed(Exception exception) => applied.TrySetException(exception);
}
