using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.TestSupport;
using StackExchange.Redis;

namespace AgentCore.Gateway.Bench.Realtime;

/// <summary>One caller of the bench: a subject of a tenant with its own token, and the agent of that tenant it watches.</summary>
internal sealed record BenchCaller(string TenantId, string Subject, string Token, string AgentId);

/// <summary>
/// The bench's population: <c>tenants</c> tenants, each with <c>subjectsPerTenant</c> subjects (a token each) and
/// <c>agentsPerTenant</c> agents registered in the agent directory. Spreading connections over subjects and tenants
/// keeps them within Realtime's default connection quotas (10 per subject, 2,000 per tenant), so the bench runs
/// with the defaults a deployment has.
/// </summary>
internal sealed class BenchCallers
{
    private readonly List<BenchCaller> callers = [];

    private BenchCallers(IReadOnlyList<string> agents) => Agents = agents;

    /// <summary>Every agent, tenant by tenant.</summary>
    public IReadOnlyList<string> Agents { get; }

    public IReadOnlyList<BenchCaller> All => callers;

    public static BenchCallers Create(GatewayTokenServer tokens, int tenants, int subjectsPerTenant, int agentsPerTenant, string scope)
    {
        var agents = new List<string>();
        var population = new BenchCallers(agents);
        for (var tenant = 0; tenant < tenants; tenant++)
        {
            var tenantId = $"bench-tenant-{tenant}";
            var tenantAgents = Enumerable.Range(0, agentsPerTenant).Select(agent => $"bench-agent-{tenant}-{agent}").ToArray();
            agents.AddRange(tenantAgents);
            for (var subject = 0; subject < subjectsPerTenant; subject++)
            {
                var payload = GatewayTokenServer.Payload(tenantId, scope, DateTimeOffset.UtcNow.AddHours(3));
                payload[GatewayClaims.Subject] = $"bench-user-{tenant}-{subject}";
                population.callers.Add(new BenchCaller(tenantId, $"bench-user-{tenant}-{subject}", tokens.Sign(GatewayTokenServer.Header(), payload), tenantAgents[subject % agentsPerTenant]));
            }
        }

        return population;
    }

    /// <summary>Registers every agent in the agent directory, as the AgentRuntime registers its agents.</summary>
    public async Task RegisterAgentsAsync(IConnectionMultiplexer redis)
    {
        var entries = callers.Select(caller => (caller.AgentId, caller.TenantId))
            .Concat(Agents.Select(agent => (agent, TenantOf(agent))))
            .Distinct()
            .Select(pair => new HashEntry(pair.Item1, pair.Item2))
            .ToArray();
        await redis.GetDatabase().HashSetAsync(AgentDirectory.TenantsKey, entries);
    }

    /// <summary>The tenant of an agent named by <see cref="Create"/>.</summary>
    public static string TenantOf(string agentId) => "bench-tenant-" + agentId.Split('-')[2];
}
