using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Edge.RateLimiting;

namespace AgentCore.Gateway.Edge.Mcp;

/// <summary>
/// Per-tool and per-agent limits on the Edge's distributed limiter: a tool call counts against the named policies of
/// its server and tool, each partitioned as that policy says (by client: per agent; by caller: per user and client).
/// </summary>
internal sealed class McpRateLimits(RateLimitPolicies policies)
{
    /// <summary>True when admitted; otherwise the refusal is on the request as a <see cref="RateLimitDecision"/>.</summary>
    public async ValueTask<bool> TryAcquireAsync(string policyName, HttpContext context, GatewayIdentity caller)
    {
        var policy = policies[policyName];
        var partition = policy.PartitionOf(context, caller, McpResources.ServerOf(context) ?? string.Empty);
        var decision = new RateLimitDecision(policy.Name, policy.Options.Limits);
        if (policy.TryAdmit(partition, decision) is true || await policy.AdmitAsync(partition, decision))
        {
            return true;
        }

        context.Features.Set(decision);
        return false;
    }
}
