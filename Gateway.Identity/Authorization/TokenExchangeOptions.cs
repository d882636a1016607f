using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Identity.Authorization;

/// <summary>
/// The <c>Identity:TokenExchange</c> section: which clients may act for whom through RFC 8693 token exchange, toward which
/// resources and with which scopes. A client not listed may not exchange tokens at all. Default: none listed.
/// </summary>
internal sealed class TokenExchangeOptions
{
    public const string SectionName = "Identity:TokenExchange";

    /// <summary>The longest delegation chain (nested <c>act</c>): 1 lets an agent act for a user, 2 a sub-agent for that agent. Default: 2.</summary>
    [Range(1, 5)]
    public int MaxDelegationDepth { get; set; } = 2;

    /// <summary>How long an exchanged token lives. Default: 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "01:00:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The acting clients, by client id.</summary>
    public Dictionary<string, TokenExchangeClientPolicy> Clients { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>What one client may do when it exchanges a token to act for someone.</summary>
internal sealed class TokenExchangeClientPolicy
{
    /// <summary>The resources (RFC 8707) its tokens may be for, absolute or relative to the issuer (<c>mcp/agent-tools</c>).</summary>
    public List<string> Audiences { get; set; } = [];

    /// <summary>The most its tokens may carry; the subject token's scopes bound them too.</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary>The tenants whose users it may act for. Default (empty): the client's own tenant only.</summary>
    public List<string> Tenants { get; set; } = [];

    /// <summary>
    /// The agents whose delegated tokens it may exchange in turn, acting as their sub-agent. Default (empty): it may only
    /// exchange a user's own token.
    /// </summary>
    public List<string> Delegators { get; set; } = [];
}
