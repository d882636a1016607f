namespace AgentCore.Gateway.Identity.Users;

/// <summary>Why an external sign-in did not produce an account.</summary>
internal enum ExternalSignInFailure
{
    None,
    UnknownTenant,
    LockedOut,
}
