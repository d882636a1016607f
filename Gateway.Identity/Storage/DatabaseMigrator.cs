using Microsoft.EntityFrameworkCore;

namespace AgentCore.Gateway.Identity.Storage;

/// <summary>
/// Applies pending EF Core migrations before anything else starts. Registered first, so the seed, the key ring and
/// the API-key publisher find the schema in place. PostgreSQL serialises concurrent migrators on the history table lock.
/// </summary>
internal sealed class DatabaseMigrator(IServiceScopeFactory scopes) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IdentityStoreDbContext>().Database.MigrateAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
