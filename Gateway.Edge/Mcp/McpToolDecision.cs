using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Edge.Mcp;

/// <summary>Whether a caller may call a tool, and if not, why (a reason code for the audit trail and the caller).</summary>
internal sealed record McpToolDecision(bool Allowed, string Reason, IReadOnlyList<string> MissingScopes)
{
    public const string UnknownTool = "unknown_tool";

    public static McpToolDecision Decide(McpServerOptions server, string tool, GatewayIdentity caller)
    {
        if (!server.Tools.TryGetValue(tool, out var policy))
        {
            return new(false, UnknownTool, []);
        }

        var missing = policy.Scopes.Where(scope => !caller.GrantedScopes.Contains(scope)).ToList();
        if (missing.Count > 0)
        {
            return new(false, "missing_scope", missing);
        }

        if (policy.Roles.Count > 0 && !policy.Roles.Any(role => caller.HasClaim(GatewayClaims.Roles, role)))
        {
            return new(false, "missing_role", []);
        }

        if (policy.Tenants.Count > 0 && !policy.Tenants.Contains(caller.Caller.TenantId, StringComparer.Ordinal))
        {
            return new(false, "tenant_not_allowed", []);
        }

        return new(true, "allowed", []);
    }
}
