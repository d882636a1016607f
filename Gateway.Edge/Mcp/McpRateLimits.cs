using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using AgentCore.Gateway.Edge.RateLimiting;

namespace AgentCore.Gateway.Edge.Mcp;

/// <summary>
/// Per-tool and per-agent limits on the Edge's distributed limiter: a tool call counts against the named policies of
/// its server and tool, each partitioned as that policy says (by client: per agent; by caller: per user and client).
/// </summary>
internal sealed class McpRateLimits(RateLimitPolicies policies)
{
    private readonly ConcurrentDictionary<string, PartitionedRateLimiter<HttpContext>> limiters = new(StringComparer.Ordinal);

    /// <summary>True when admitted; otherwise the refusal is on the request as a <see cref="RateLimitDecision"/>.</summary>
    public async ValueTask<bool> TryAcquireAsync(string policy, HttpContext context)
    {
        var limiter = limiters.GetOrAdd(policy, name => PartitionedRateLimiter.Create<HttpContext, string>(request => policies[name].GetPartition(request)));
        using var lease = await limiter.AcquireAsync(context, 1, context.RequestAborted).ConfigureAwait(false);
        return lease.IsAcquired;
    }
}
