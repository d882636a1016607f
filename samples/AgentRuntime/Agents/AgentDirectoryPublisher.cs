using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Database;
using AgentCore.Gateway.Messaging.Republishing;
using AgentCore.Samples.AgentRuntime.Storage;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace AgentCore.Samples.AgentRuntime.Agents;

/// <summary>
/// Registers every agent in the agent directory (<see cref="AgentDirectory.TenantsKey"/>), where Realtime looks up an
/// agent's tenant before it lets anyone subscribe to it and refuses agents it does not find. The runtime owns its
/// agents, so its word overwrites whatever the directory held. At start-up (the development seed's agents included),
/// whenever Redis reconnects, and every few minutes.
/// </summary>
internal sealed class AgentDirectoryPublisher(
    IServiceScopeFactory scopes, DatabaseMigration<AgentsDbContext> migration, IConnectionMultiplexer redis, ILogger<AgentDirectoryPublisher> logger)
    : RedisRepublisher(redis, TimeSpan.FromMinutes(5), logger)
{
    private const int PageSize = 1_000;

    protected override string What => "agents of the agent directory";

    protected override async Task<int> RepublishAsync(CancellationToken cancellationToken)
    {
        await migration.WaitAsync(cancellationToken);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgentsDbContext>();
        var count = 0;
        string? after = null;
        while (true)
        {
            var page = await db.Agents.AsNoTracking()
                .Where(agent => after == null || string.Compare(agent.Id, after) > 0)
                .OrderBy(agent => agent.Id)
                .Take(PageSize)
                .Select(agent => new HashEntry(agent.Id, agent.TenantId))
                .ToArrayAsync(cancellationToken);
            if (page.Length == 0)
            {
                return count;
            }

            await Redis.GetDatabase().HashSetAsync(AgentDirectory.TenantsKey, page);
            count += page.Length;
            after = page[^1].Name;
        }
    }
}
