namespace AgentCore.Gateway.Identity.Users;

/// <summary>
/// Links an account to the identity it has at an outside provider, keyed by (provider, subject): the subject is the
/// provider's stable identifier (an OpenID Connect <c>sub</c>, an LDAP entry's DN), never a name that can be reassigned.
/// </summary>
internal sealed class ExternalLogin
{
    /// <summary>The provider's key in configuration, prefixed by its kind: <c>oidc:corp-sso</c>, <c>ldap:globex</c>.</summary>
    public required string Provider { get; set; }

    public required string Subject { get; set; }

    public required string UserId { get; set; }

    public DateTimeOffset LinkedAt { get; set; }

    public DateTimeOffset LastSignInAt { get; set; }
}
