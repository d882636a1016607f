namespace AgentCore.Gateway.Identity.Users;

/// <summary>The outcome of checking a user name and password.</summary>
internal enum LoginResult
{
    Succeeded,
    InvalidCredentials,

    /// <summary>
    /// Not tried: this account name is being slowed down for this source, or the account is suspended after too many
    /// failures from everywhere. Callers answer it exactly like <see cref="InvalidCredentials"/>.
    /// </summary>
    Throttled,

    /// <summary>
    /// The user's directory cannot decide now (no answer in time, or misconfigured): nothing is known about the password.
    /// </summary>
    DirectoryUnavailable,
}
