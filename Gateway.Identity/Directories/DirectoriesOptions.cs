namespace AgentCore.Gateway.Identity.Directories;

/// <summary>
/// The <c>Identity:Directories</c> section: LDAP and Active Directory directories by name. A user signs in against one
/// by typing <c>name@domain</c> with the directory's <see cref="LdapDirectoryOptions.Domain"/>. Default: no directory.
/// </summary>
internal sealed class DirectoriesOptions
{
    public const string SectionName = "Identity:Directories";

    /// <summary>
    /// The directories by name. The name is part of the provider key (<c>ldap:name</c>) that accounts are linked by,
    /// so renaming a directory provisions new accounts for its users.
    /// </summary>
    public Dictionary<string, LdapDirectoryOptions> Directories { get; } = new(StringComparer.OrdinalIgnoreCase);
}
