using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;

namespace AgentCore.Gateway.Identity.Directories;

/// <summary>One LDAP directory: where it is, how users are found and bound, and how its groups become gateway roles.</summary>
internal sealed class LdapDirectoryOptions : IValidatableObject
{
    /// <summary>The gateway tenant every user of this directory belongs to. Required.</summary>
    [Required]
    public string TenantId { get; set; } = string.Empty;

    /// <summary>
    /// The user-name suffix that routes a sign-in here: <c>carol@corp.globex.example</c> goes to the directory whose
    /// domain is <c>corp.globex.example</c> (compared case-insensitively) as user <c>carol</c>. Required.
    /// </summary>
    [Required]
    public string Domain { get; set; } = string.Empty;

    /// <summary>The directory server's host name; with TLS it must match the server certificate. Required.</summary>
    [Required]
    public string Host { get; set; } = string.Empty;

    /// <summary>The server port. Default: 636 with <see cref="LdapSecurity.Ldaps"/>, otherwise 389.</summary>
    [Range(1, 65535)]
    public int? Port { get; set; }

    /// <summary>
    /// How the connection is protected. Default: <see cref="LdapSecurity.StartTls"/>, because binds carry passwords;
    /// <see cref="LdapSecurity.None"/> is accepted for a loopback host only (development and tests).
    /// </summary>
    public LdapSecurity Security { get; set; } = LdapSecurity.StartTls;

    /// <summary>
    /// A directory of PEM CA certificates trusted for this server instead of the system's trust store. Default: none
    /// (the system trust store). The server certificate is always verified, including its host name.
    /// </summary>
    public string? TrustedCertificatesDirectory { get; set; }

    /// <summary>The longest a sign-in waits for this directory, in total; then it fails as unavailable. Default: 5 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Binds directly as the DN this template gives, <c>{0}</c> being the user name escaped as a DN value (RFC 4514):
    /// <c>uid={0},ou=people,dc=globex,dc=example</c>. For Active Directory, <c>{0}@corp.example</c> (a user principal
    /// name) works too. Set either this or the search settings. Default: none.
    /// </summary>
    public string? BindDnTemplate { get; set; }

    /// <summary>Where the user search starts, for search-then-bind. Default: none.</summary>
    public string? SearchBase { get; set; }

    /// <summary>
    /// The user search filter, <c>{0}</c> being the user name escaped for a filter (RFC 4515):
    /// <c>(&amp;(objectClass=inetOrgPerson)(uid={0}))</c>, or <c>(sAMAccountName={0})</c> for Active Directory.
    /// Exactly one entry must match. Default: none.
    /// </summary>
    public string? UserFilter { get; set; }

    /// <summary>
    /// The account that searches users (search-then-bind, required there) and groups (optional with a DN template; the
    /// user's own bind reads them otherwise). Default: none.
    /// </summary>
    public string? ServiceAccountDn { get; set; }

    /// <summary>The service account's password: a secret, from user secrets or the environment only. Default: none.</summary>
    public string? ServiceAccountPassword { get; set; }

    /// <summary>Where the group search starts. Default: none (no group search).</summary>
    public string? GroupSearchBase { get; set; }

    /// <summary>
    /// The group search filter, <c>{0}</c> being the user's DN and <c>{1}</c> the user name, both escaped for a
    /// filter: <c>(&amp;(objectClass=groupOfNames)(member={0}))</c>. Default: none (no group search).
    /// </summary>
    public string? GroupFilter { get; set; }

    /// <summary>
    /// The user-entry attribute that lists the user's group DNs, read in addition to the group search; empty turns it
    /// off. Default: <c>memberOf</c> (Active Directory, and OpenLDAP with the memberof overlay).
    /// </summary>
    public string? MemberOfAttribute { get; set; } = "memberOf";

    /// <summary>
    /// The user-entry attribute whose value identifies the person for good, so that a renamed or moved entry keeps its
    /// gateway account: <c>objectGUID</c> in Active Directory, <c>entryUUID</c> in OpenLDAP. A user entry without it
    /// cannot sign in. Default: none, the entry's DN is the identity.
    /// </summary>
    public string? SubjectAttribute { get; set; }

    /// <summary>
    /// Group DN or group name (the value of its first RDN, usually <c>cn</c>) to gateway roles, compared
    /// case-insensitively. Groups not listed give no role. Default: empty.
    /// </summary>
    public Dictionary<string, string[]> RoleMap { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Roles every user of this directory gets, whatever the groups. Default: none.</summary>
    public string[] DefaultRoles { get; set; } = [];

    public int EffectivePort => Port ?? (Security == LdapSecurity.Ldaps ? 636 : 389);

    public bool HasServiceAccount => !string.IsNullOrEmpty(ServiceAccountDn);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Domain.Contains('@', StringComparison.Ordinal) || Domain.Any(char.IsWhiteSpace))
        {
            yield return Error("Domain is the part after '@' in a user name: it contains neither '@' nor spaces.", nameof(Domain));
        }

        if (Security == LdapSecurity.None && !IsLoopback(Host))
        {
            yield return Error("Security None sends passwords in clear: use StartTls or Ldaps for a host other than loopback.", nameof(Security));
        }

        if (TrustedCertificatesDirectory is not null && (Security == LdapSecurity.None || !Directory.Exists(TrustedCertificatesDirectory)))
        {
            yield return Error("TrustedCertificatesDirectory must be an existing directory, and Security StartTls or Ldaps.", nameof(TrustedCertificatesDirectory));
        }

        if (string.IsNullOrEmpty(ServiceAccountDn) != string.IsNullOrEmpty(ServiceAccountPassword))
        {
            yield return Error("ServiceAccountDn and ServiceAccountPassword go together.", nameof(ServiceAccountDn), nameof(ServiceAccountPassword));
        }

        var searches = !string.IsNullOrEmpty(SearchBase) || !string.IsNullOrEmpty(UserFilter);
        if (!string.IsNullOrEmpty(BindDnTemplate))
        {
            if (searches)
            {
                yield return Error("Set either BindDnTemplate or SearchBase and UserFilter, not both.", nameof(BindDnTemplate), nameof(SearchBase));
            }

            if (!IsTemplate(BindDnTemplate, 1))
            {
                yield return Error("BindDnTemplate must contain {0} (the user name) and no other placeholder.", nameof(BindDnTemplate));
            }
        }
        else if (string.IsNullOrEmpty(SearchBase) || !IsTemplate(UserFilter, 1) || !HasServiceAccount)
        {
            yield return Error(
                "Set BindDnTemplate, or SearchBase, UserFilter (with {0}) and the service account for search-then-bind.",
                nameof(BindDnTemplate), nameof(SearchBase), nameof(UserFilter), nameof(ServiceAccountDn));
        }

        if (string.IsNullOrEmpty(GroupSearchBase) != string.IsNullOrEmpty(GroupFilter) ||
            (GroupFilter is not null && !IsTemplate(GroupFilter, 2)))
        {
            yield return Error("GroupSearchBase and GroupFilter go together, and GroupFilter uses {0} (user DN) or {1} (user name).",
                nameof(GroupSearchBase), nameof(GroupFilter));
        }
    }

    private static ValidationResult Error(string message, params string[] members) => new(message, members);

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ||
        (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    /// <summary>True when the template formats with <paramref name="arguments"/> values and uses at least one of them.</summary>
    private static bool IsTemplate(string? template, int arguments)
    {
        if (string.IsNullOrEmpty(template))
        {
            return false;
        }

        try
        {
            var values = Enumerable.Range(0, arguments).Select(index => (object)$"\u0001{index}").ToArray();
            return string.Format(CultureInfo.InvariantCulture, template, values).Contains('\u0001', StringComparison.Ordinal);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
