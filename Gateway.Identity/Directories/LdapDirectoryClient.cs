using System.DirectoryServices.Protocols;
using System.Globalization;
using System.Net;

namespace AgentCore.Gateway.Identity.Directories;

/// <summary>
/// Speaks LDAP with System.DirectoryServices.Protocols: finds the user (DN template or search with the service account),
/// checks the password with a bind as that user, and reads the user's groups. Synchronous, because the library's bind
/// is: the caller runs it off the request thread and under a deadline.
/// </summary>
internal static class LdapDirectoryClient
{
    /// <summary>LDAP result codes (RFC 4511) that mean "these credentials are wrong", not "the directory is broken".</summary>
    private const int InvalidCredentials = 49;
    private const int InvalidDnSyntax = 34;

    public static DirectoryAnswer Verify(DirectoryRoute route, string password)
    {
        var directory = route.Directory;
        LdapConnection? reader = null;
        try
        {
            if (directory.HasServiceAccount)
            {
                try
                {
                    reader = Connect(directory, directory.ServiceAccountDn!, directory.ServiceAccountPassword!);
                }
                catch (LdapException exception) when (exception.ErrorCode == InvalidCredentials)
                {
                    return new DirectoryAnswer(DirectoryOutcome.Unavailable, Problem: "the directory refused the service account's credentials");
                }
            }

            var (userDn, problem) = directory.BindDnTemplate is { } template
                ? (string.Format(CultureInfo.InvariantCulture, template, LdapEncoding.DnValue(route.UserName)), null)
                : FindUser(reader!, directory, route.UserName);
            if (userDn is null)
            {
                return new DirectoryAnswer(DirectoryOutcome.InvalidCredentials, Problem: problem);
            }

            LdapConnection user;
            try
            {
                user = Connect(directory, userDn, password);
            }
            catch (LdapException exception) when (exception.ErrorCode is InvalidCredentials or InvalidDnSyntax)
            {
                return new DirectoryAnswer(DirectoryOutcome.InvalidCredentials);
            }

            using (user)
            {
                var (storedDn, subject, groups) = ReadUser(reader ?? user, directory, userDn);
                if (subject is null)
                {
                    return new DirectoryAnswer(DirectoryOutcome.Unavailable, Problem: $"the user entry has no '{directory.SubjectAttribute}' attribute");
                }

                if (!string.IsNullOrEmpty(directory.GroupFilter))
                {
                    groups.AddRange(SearchGroups(reader ?? user, directory, storedDn, route.UserName));
                }

                return new DirectoryAnswer(DirectoryOutcome.Authenticated, subject, groups);
            }
        }
        catch (DirectoryException exception)
        {
            var code = exception is LdapException ldap ? ldap.ErrorCode.ToString(CultureInfo.InvariantCulture) : "-";
            return new DirectoryAnswer(DirectoryOutcome.Unavailable, Problem: $"{exception.GetType().Name} (LDAP error {code}): {exception.Message}");
        }
        finally
        {
            reader?.Dispose();
        }
    }

    private static LdapConnection Connect(LdapDirectoryOptions directory, string dn, string password)
    {
        var connection = new LdapConnection(new LdapDirectoryIdentifier(directory.Host, directory.EffectivePort))
        {
            AuthType = AuthType.Basic,
            AutoBind = false,
            Timeout = directory.Timeout,
        };
        try
        {
            var session = connection.SessionOptions;
            session.ProtocolVersion = 3;
            session.ReferralChasing = ReferralChasingOptions.None;
            if (directory.TrustedCertificatesDirectory is { } trusted && !OperatingSystem.IsWindows())
            {
                session.TrustedCertificatesDirectory = trusted;
                session.StartNewTlsSessionContext();
            }

            if (directory.Security == LdapSecurity.Ldaps)
            {
                session.SecureSocketLayer = true;
            }
            else if (directory.Security == LdapSecurity.StartTls)
            {
                // On Linux the library opens the connection at the first bind; StartTLS before it would go to libldap's
                // default host. An anonymous bind carries no secret and opens it.
                connection.AuthType = AuthType.Anonymous;
                connection.Bind();
                connection.AuthType = AuthType.Basic;
                session.StartTransportLayerSecurity(null);
            }

            connection.Bind(new NetworkCredential(dn, password));
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static (string? Dn, string? Problem) FindUser(LdapConnection reader, LdapDirectoryOptions directory, string userName)
    {
        var filter = string.Format(CultureInfo.InvariantCulture, directory.UserFilter!, LdapEncoding.FilterValue(userName));
        // Two are enough to tell "exactly one" from "ambiguous"; an ambiguous name never signs in.
        var request = new SearchRequest(directory.SearchBase, filter, SearchScope.Subtree, "1.1") { SizeLimit = 2 };
        try
        {
            var entries = ((SearchResponse)reader.SendRequest(request, directory.Timeout)).Entries;
            return entries.Count switch
            {
                0 => (null, null),
                1 => (entries[0].DistinguishedName, null),
                _ => (null, "more than one entry matches the user filter"),
            };
        }
        catch (DirectoryOperationException exception) when (exception.Response?.ResultCode == ResultCode.SizeLimitExceeded)
        {
            return (null, "more than one entry matches the user filter");
        }
    }

    /// <summary>
    /// The user's entry as the directory stores its DN (so "Carol" and "carol" link to one account), its subject (that
    /// DN, or the subject attribute's value; null when the entry lacks it) and the groups its memberOf attribute lists.
    /// </summary>
    private static (string StoredDn, string? Subject, List<string> Groups) ReadUser(LdapConnection connection, LdapDirectoryOptions directory, string userDn)
    {
        string[] attributes = [.. new[] { directory.MemberOfAttribute, directory.SubjectAttribute }.Where(name => !string.IsNullOrEmpty(name)).Cast<string>()];
        var request = new SearchRequest(userDn, "(objectClass=*)", SearchScope.Base, attributes.Length == 0 ? ["1.1"] : attributes);
        var entries = ((SearchResponse)connection.SendRequest(request, directory.Timeout)).Entries;
        if (entries.Count != 1)
        {
            throw new DirectoryOperationException($"The bound user's entry could not be read ({entries.Count} entries).");
        }

        var entry = entries[0];
        var groups = string.IsNullOrEmpty(directory.MemberOfAttribute)
            ? []
            : Values(entry, directory.MemberOfAttribute).Select(value => value as string ?? System.Text.Encoding.UTF8.GetString((byte[])value)).ToList();
        var subject = string.IsNullOrEmpty(directory.SubjectAttribute)
            ? entry.DistinguishedName
            : Values(entry, directory.SubjectAttribute).Select(value => SubjectText(directory.SubjectAttribute, value)).FirstOrDefault();
        return (entry.DistinguishedName, subject, groups);
    }

    private static IEnumerable<object> Values(SearchResultEntry entry, string attribute) =>
        entry.Attributes.Values.Cast<DirectoryAttribute>()
            .Where(value => string.Equals(value.Name, attribute, StringComparison.OrdinalIgnoreCase))
            .SelectMany(value => value.Cast<object>());

    /// <summary>
    /// A subject attribute's value as text: Active Directory's objectGUID is 16 raw bytes, read as a GUID; text values
    /// (OpenLDAP's entryUUID) stay as they are.
    /// </summary>
    private static string SubjectText(string attribute, object value) => value switch
    {
        byte[] { Length: 16 } guid when string.Equals(attribute, "objectGUID", StringComparison.OrdinalIgnoreCase) => new Guid(guid).ToString("D"),
        byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes),
        _ => value.ToString() ?? string.Empty,
    };

    private static IEnumerable<string> SearchGroups(LdapConnection connection, LdapDirectoryOptions directory, string userDn, string userName)
    {
        var filter = string.Format(CultureInfo.InvariantCulture, directory.GroupFilter!, LdapEncoding.FilterValue(userDn), LdapEncoding.FilterValue(userName));
        var request = new SearchRequest(directory.GroupSearchBase, filter, SearchScope.Subtree, "1.1");
        return ((SearchResponse)connection.SendRequest(request, directory.Timeout)).Entries
            .Cast<SearchResultEntry>()
            .Select(entry => entry.DistinguishedName);
    }
}
