using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Identity.Directories;

/// <summary>The configured directories, found by the domain a user types after the last '@' of the user name.</summary>
internal sealed class LdapDirectories(IOptions<DirectoriesOptions> options)
{
    private readonly Dictionary<string, (string Name, LdapDirectoryOptions Directory)> byDomain =
        options.Value.Directories.ToDictionary(entry => entry.Value.Domain, entry => (entry.Key, entry.Value), StringComparer.OrdinalIgnoreCase);

    public IEnumerable<LdapDirectoryOptions> All => byDomain.Values.Select(entry => entry.Directory);

    /// <summary>The directory for <paramref name="userName"/>, or null when no directory has its domain (a local user).</summary>
    public DirectoryRoute? Find(string userName)
    {
        var at = userName.LastIndexOf('@');
        return at >= 0 && byDomain.TryGetValue(userName[(at + 1)..], out var entry)
            ? new DirectoryRoute(entry.Name, entry.Directory, userName[..at])
            : null;
    }
}
