using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Identity.ApiKeys;

/// <summary>The <c>Identity:ApiKeys</c> section.</summary>
internal sealed class ApiKeyOptions
{
    public const string SectionName = "Identity:ApiKeys";

    /// <summary>Lifetime of a key created without <c>expires_in_days</c>. Default: 90 days.</summary>
    [Range(1, 3650)]
    public int DefaultLifetimeDays { get; set; } = 90;

    /// <summary>The longest lifetime a key may be given. Default: 365 days.</summary>
    [Range(1, 3650)]
    public int MaxLifetimeDays { get; set; } = 365;

    /// <summary>
    /// How often every active key is published again, besides at start-up and whenever the Redis connection comes
    /// back: a Redis that restarted empty, or lost a key, gets it back within this time. Default: 5 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")]
    public TimeSpan RepublishInterval { get; set; } = TimeSpan.FromMinutes(5);
}
