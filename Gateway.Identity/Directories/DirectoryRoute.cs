namespace AgentCore.Gateway.Identity.Directories;

/// <summary>A sign-in routed to a directory: which one, and the user name without the domain.</summary>
internal sealed record DirectoryRoute(string Name, LdapDirectoryOptions Directory, string UserName)
{
    /// <summary>The key accounts from this directory are linked by (see <see cref="Users.ExternalLogin.Provider"/>).</summary>
    public string Provider => "ldap:" + Name;
}
