using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Identity.Users;

/// <summary>The <c>Identity:Lockout</c> section: how failed logins lock an account.</summary>
internal sealed class LockoutOptions
{
    public const string SectionName = "Identity:Lockout";

    /// <summary>Failed logins in a row that lock the account. Default: 5.</summary>
    [Range(1, 100)]
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>How long a locked account refuses every login, even with the right password. Default: 15 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
}
