namespace AgentCore.Gateway.Identity.Users;

/// <summary>
/// A person who signs in: with a local user name and password, or through an outside identity provider or directory
/// (<see cref="ExternalLogin"/>), in which case the account has no local password.
/// </summary>
internal sealed class UserAccount
{
    public required string Id { get; set; }

    public required string UserName { get; set; }

    public required string TenantId { get; set; }

    /// <summary>
    /// ASP.NET Core Identity's <c>PasswordHasher</c> format (PBKDF2); the password itself is never stored. Null for an
    /// account provisioned from an outside provider, which can only sign in there.
    /// </summary>
    public string? PasswordHash { get; set; }

    public List<string> Roles { get; set; } = [];

    /// <summary>Failed logins since the last success or lockout.</summary>
    public int FailedLoginCount { get; set; }

    public DateTimeOffset? LockedOutUntil { get; set; }

    /// <summary>When an administrator disabled the account; a disabled account neither signs in nor refreshes.</summary>
    public DateTimeOffset? DisabledAt { get; set; }

    /// <summary>Optimistic concurrency: parallel failed logins must not lose a count.</summary>
    public Guid Version { get; set; } = Guid.NewGuid();
}
