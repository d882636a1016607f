namespace AgentCore.Gateway.Identity.Directories;

/// <summary>What a directory said about a user name and password.</summary>
internal enum DirectoryOutcome
{
    Authenticated,
    InvalidCredentials,
    Unavailable,
}
