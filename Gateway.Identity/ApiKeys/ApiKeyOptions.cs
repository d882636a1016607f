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
}
