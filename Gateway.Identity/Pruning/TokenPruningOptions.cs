using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Identity.Pruning;

/// <summary>The <c>Identity:Pruning</c> section: when the token and authorization tables are cleaned.</summary>
internal sealed class TokenPruningOptions
{
    public const string SectionName = "Identity:Pruning";

    /// <summary>Time between two prunings. Default: 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How old (since its creation) an expired, redeemed or revoked token, or a finished authorization, must be before
    /// it is deleted. Never less than the refresh-token lifetime (<c>Identity:Tokens:RefreshTokenLifetime</c>), whichever
    /// is set lower: until a redeemed refresh token would have expired anyway, its entry is what lets a replay of it be
    /// recognised and its whole family revoked. Default: 14 days.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan MinimumAge { get; set; } = TimeSpan.FromDays(14);
}
