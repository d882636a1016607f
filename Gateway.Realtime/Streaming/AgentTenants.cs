using System.Collections.Concurrent;
using AgentCore.Gateway.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCore.Gateway.Realtime.Streaming;

/// <summary>
/// The agent directory (<see cref="AgentDirectory.TenantsKey"/>): which tenant owns an agent. Realtime records every
/// agent it sees on the stream (first writer wins) and asks it before a connection subscribes to an agent, so that a
/// caller is refused another tenant's known agent. Event delivery never depends on it: every event is matched on its
/// own <c>tenant_id</c>.
/// </summary>
internal sealed class AgentTenants(IConnectionMultiplexer redis, IOptions<EventStreamOptions> options)
{
    private readonly ConcurrentDictionary<string, string> known = new(StringComparer.Ordinal);

    public void Learn(AgentEvent agentEvent)
    {
        if (known.TryGetValue(agentEvent.AgentId, out _))
        {
            return;
        }

        Remember(agentEvent.AgentId, agentEvent.TenantId);
        redis.GetDatabase().HashSet(AgentDirectory.TenantsKey, agentEvent.AgentId, agentEvent.TenantId, When.NotExists, CommandFlags.FireAndForget);
    }

    /// <summary>The owning tenant, or null when the directory does not know the agent.</summary>
    public async Task<string?> FindTenantAsync(string agentId)
    {
        if (known.TryGetValue(agentId, out var tenant))
        {
            return tenant;
        }

        var stored = await redis.GetDatabase().HashGetAsync(AgentDirectory.TenantsKey, agentId).ConfigureAwait(false);
        if (stored.IsNullOrEmpty)
        {
            return null;
        }

        Remember(agentId, stored.ToString());
        return stored.ToString();
    }

    /// <summary>True when the directory assigns the agent to a tenant other than <paramref name="tenantId"/>.</summary>
    public async Task<bool> BelongsToAnotherTenantAsync(string agentId, string tenantId) =>
        await FindTenantAsync(agentId).ConfigureAwait(false) is { } owner && !string.Equals(owner, tenantId, StringComparison.Ordinal);

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
