namespace AgentCore.Gateway.Identity.Users;

/// <summary>A person who signs in with a user name and password.</summary>
internal sealed class UserAccount
{
    public required string Id { get; set; }

    public required string UserName { get; set; }

    public required string TenantId { get; set; }

    /// <summary>ASP.NET Core Identity's <c>PasswordHasher</c> format (PBKDF2); the password itself is never stored.</summary>
    public required string PasswordHash { get; set; }

    public List<string> Roles { get; set; } = [];

    /// <summary>Failed logins since the last success or lockout.</summary>
    public int FailedLoginCount { get; set; }

    public DateTimeOffset? LockedOutUntil { get; set; }

    /// <summary>Optimistic concurrency: parallel failed logins must not lose a count.</summary>
    public Guid Version { get; set; } = Guid.NewGuid();
}
