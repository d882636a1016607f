using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Edge.Authentication;

/// <summary>
/// The <c>Authentication:Failures</c> section: how many failed authentications one source address may cause before
/// its credentials are refused unread (429) for a while, a token bucket kept in this instance's memory. It throttles
/// floods of forged tokens or guessed keys, which no route's rate limit counts: those limit callers, and a caller is
/// only known once authenticated.
/// </summary>
internal sealed class AuthenticationFailureOptions
{
    public const string SectionName = "Authentication:Failures";

    /// <summary>The failures an address may cause in a burst (the bucket's size). Default: 100.</summary>
    [Range(1, 1_000_000)]
    public int PermitLimit { get; set; } = 100;

    /// <summary>The failures added back per <see cref="ReplenishmentPeriod"/>. Default: 10.</summary>
    [Range(1, 1_000_000)]
    public int TokensPerPeriod { get; set; } = 10;

    /// <summary>The period of <see cref="TokensPerPeriod"/>. Default: 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan ReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many addresses are tracked at once; beyond it, addresses that have recovered are forgotten, and failures of
    /// new addresses go uncounted until there is room (their credentials are still checked). Default: 100,000.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxAddresses { get; set; } = 100_000;
}
