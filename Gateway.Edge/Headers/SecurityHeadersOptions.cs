using System.ComponentModel.DataAnnotations;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Edge.Headers;

/// <summary>The <c>SecurityHeaders</c> section.</summary>
internal sealed class SecurityHeadersOptions
{
    public const string SectionName = "SecurityHeaders";

    /// <summary><c>Strict-Transport-Security</c> max-age, sent on HTTPS responses only. Default: 365 days.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "730.00:00:00")]
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);

    /// <summary><c>Referrer-Policy</c>. Default: <c>no-referrer</c>.</summary>
    [Required]
    public string ReferrerPolicy { get; set; } = "no-referrer";

    /// <summary>Paths whose responses carry tokens and must never be cached. Default: <c>/api/v1/auth/token</c>, <c>/connect/token</c>.</summary>
    public IList<string> NoStorePaths { get; } = [TokenEndpoints.ApiPath, TokenEndpoints.OAuthPath];
}
