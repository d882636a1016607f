using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Identity.Authorization;

/// <summary>
/// The <c>Identity:Tokens</c> section. The spec's <c>JWT_EXPIRATION_HOURS</c> setting, when present, sets
/// <see cref="AccessTokenLifetime"/>.
/// </summary>
internal sealed class TokenLifetimeOptions
{
    public const string SectionName = "Identity:Tokens";
    public const string ExpirationHoursKey = "JWT_EXPIRATION_HOURS";

    /// <summary>Lifetime of access tokens. Default: 24 hours (the spec's <c>JWT_EXPIRATION_HOURS</c> default).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "30.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Lifetime of refresh tokens; every use replaces the token. Default: 14 days.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Lifetime of authorization codes. Default: 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(5);
}
