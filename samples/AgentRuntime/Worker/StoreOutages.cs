using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace AgentCore.Samples.AgentRuntime.Worker;

/// <summary>The failures of a background round that end when PostgreSQL is reachable again, so the loop retries instead of stopping the host.</summary>
internal static class StoreOutages
{
    /// <summary>
    /// True for a failure of the store rather than of the code. <see cref="RetryLimitExceededException"/> is what the
    /// execution strategy throws once its quick retries are spent while PostgreSQL is away; it derives from none of
    /// the others.
    /// </summary>
    public static bool IsOutage(Exception exception) =>
        exception is DbUpdateException or NpgsqlException or InvalidOperationException or TimeoutException or RetryLimitExceededException;
}
