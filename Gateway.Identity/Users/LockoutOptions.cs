using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Identity.Users;

/// <summary>
/// The <c>Identity:Lockout</c> section: how failed password sign-ins slow down further tries (OWASP ASVS v4 2.2.1,
/// NIST SP 800-63B 5.2.2). Failures count per account name and source address together, so that an attacker slows down
/// only their own tries and never the real user's from another address; past <see cref="FreeAttempts"/>, each further
/// try from that source must wait twice as long as the one before. An account is suspended for everyone only after
/// <see cref="MaxFailedAttempts"/> failures in a row from all sources together, which one source cannot reach.
/// </summary>
internal sealed class LockoutOptions
{
    public const string SectionName = "Identity:Lockout";

    /// <summary>Failures per account name and source address before delays start. Default: 5.</summary>
    [Range(1, 100)]
    public int FreeAttempts { get; set; } = 5;

    /// <summary>The wait after the first failure past <see cref="FreeAttempts"/>; it doubles with every further one. Default: 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two tries of one account from one source. Default: 15 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a source's failures on an account are remembered after its last try. Default: 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan FailureMemory { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Failed sign-ins in a row on one account, from all sources together, that suspend it for
    /// <see cref="LockoutDuration"/>: NIST's cap of 100 consecutive failures per account. Default: 100.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxFailedAttempts { get; set; } = 100;

    /// <summary>How long an account suspended by <see cref="MaxFailedAttempts"/> refuses every sign-in. Default: 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromHours(1);
}
