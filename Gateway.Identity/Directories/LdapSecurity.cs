namespace AgentCore.Gateway.Identity.Directories;

/// <summary>How the connection to a directory is protected.</summary>
internal enum LdapSecurity
{
    /// <summary>Plain LDAP: passwords cross the network in clear, so it is allowed for a loopback host only.</summary>
    None,

    /// <summary>Plain LDAP upgraded with the StartTLS extended operation before any bind (usually port 389).</summary>
    StartTls,

    /// <summary>LDAP over TLS from the first byte (usually port 636).</summary>
    Ldaps,
}
