using System.Collections.Concurrent;
using AgentCore.Gateway.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCore.Gateway.Realtime.Streaming;

/// <summary>
/// The agent directory (<see cref="AgentDirectory.TenantsKey"/>): which tenant owns an agent, as the agents' owner (the
/// AgentRuntime) registers them. Realtime only reads it, before a connection subscribes to an agent: an agent the
/// directory does not give to the caller's tenant, unknown or another tenant's, is refused. Event delivery never
/// depends on it: every event is matched on its own <c>tenant_id</c>.
/// </summary>
internal sealed class AgentTenants(IConnectionMultiplexer redis, IOptions<EventStreamOptions> options)
{
    private readonly ConcurrentDictionary<string, string> known = new(StringComparer.Ordinal);

    /// <summary>The owning tenant, or null when the directory does not know the agent.</summary>
    public async Task<string?> FindTenantAsync(string agentId)
    {
        if (known.TryGetValue(agentId, out var tenant))
        {
            return tenant;
        }

        var stored = await redis.GetDatabase().HashGetAsync(AgentDirectory.TenantsKey, agentId);
        if (stored.IsNullOrEmpty)
        {
            return null;
        }

        Remember(agentId, stored.ToString());
        return stored.ToString();
    }

    private void Remember(string agentId, string tenantId)
    {
        // The directory in Redis is the truth; the local copy only saves round trips, so it may start over when full.
        if (known.Count >= options.Value.AgentCacheCapacity)
        {
            known.Clear();
        }

        known.TryAdd(agentId, tenantId);
    }
}
