using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AgentCore.Gateway.Identity.Directories;
using AgentCore.Gateway.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace AgentCore.Gateway.Identity.Tests.Directories;

/// <summary>
/// A real slapd loaded with the Globex test directory, a port nobody listens on, and a TCP listener that accepts
/// connections and never answers; and one Identity service configured with a directory for each of them.
/// </summary>
public sealed class DirectoryFixture : IAsyncLifetime
{
    public const string Suffix = "dc=globex,dc=example";
    public const string TemplateDomain = "corp.globex.example";
    public const string SearchDomain = "search.globex.example";
    public const string ClosedDomain = "closed.example";
    public const string SilentDomain = "silent.example";
    public const string AmbiguousDomain = "ambiguous.globex.example";
    public const string ServiceAccountPassword = "Reader-Ldap-Pass!";

    private readonly TcpListener silent = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> heldConnections = [];
    private readonly CancellationTokenSource stopping = new();
    private Task? accepting;
    private IdentityService? service;

    public LdapServer Ldap { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var data = Path.Combine(AppContext.BaseDirectory, "Directories");
        Ldap = await LdapServer.StartAsync(Suffix, Path.Combine(data, "globex-people.ldif"), Path.Combine(data, "globex-groups.ldif"));
        silent.Start();
        accepting = HoldConnectionsAsync();
    }

    /// <summary>The Identity service with the test directories, created once on the shared PostgreSQL and Redis.</summary>
    public async Task<IdentityService> ServiceAsync(IdentityServerFixture identity) =>
        service ??= await identity.CreateService(Settings(), services => services.PostConfigure<DirectoriesOptions>(options =>
            // The test host passes settings as command-line arguments, which cannot carry a key with '=' (a group DN).
            options.Directories["globex"].RoleMap["cn=agents-operators,ou=groups," + Suffix] = ["agent-operator"]));

    /// <summary>The settings of directory <paramref name="name"/>: plain LDAP on loopback, as development uses.</summary>
    public static Dictionary<string, string?> DirectorySettings(string name, string domain, int port, IReadOnlyDictionary<string, string?> settings)
    {
        var prefix = $"Identity:Directories:{name}:";
        var all = new Dictionary<string, string?>
        {
            [prefix + "TenantId"] = "globex",
            [prefix + "Domain"] = domain,
            [prefix + "Host"] = "127.0.0.1",
            [prefix + "Port"] = port.ToString(CultureInfo.InvariantCulture),
            [prefix + "Security"] = "None",
        };
        foreach (var (key, value) in settings)
        {
            all[prefix + key] = value;
        }

        return all;
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        silent.Stop();
        if (accepting is not null)
        {
            await accepting;
        }

        heldConnections.ForEach(connection => connection.Dispose());
        stopping.Dispose();
        await Ldap.DisposeAsync();
    }

    private Dictionary<string, string?> Settings()
    {
        var template = DirectorySettings("globex", TemplateDomain, Ldap.Port, new Dictionary<string, string?>
        {
            ["BindDnTemplate"] = "uid={0},ou=people," + Suffix,
            ["GroupSearchBase"] = "ou=groups," + Suffix,
            ["GroupFilter"] = "(&(objectClass=groupOfNames)(member={0}))",
            ["MemberOfAttribute"] = string.Empty,
            ["RoleMap:agents-admins:0"] = "agent-admin",
        });
        var search = DirectorySettings("globex-search", SearchDomain, Ldap.Port, new Dictionary<string, string?>
        {
            ["SearchBase"] = "ou=people," + Suffix,
            ["UserFilter"] = "(&(objectClass=inetOrgPerson)(uid={0}))",
            ["ServiceAccountDn"] = "cn=gateway-reader,ou=services," + Suffix,
            ["ServiceAccountPassword"] = ServiceAccountPassword,
            ["SubjectAttribute"] = "entryUUID",
            ["RoleMap:agents-admins:0"] = "agent-admin",
            ["RoleMap:agents-admins:1"] = "agent-operator",
            ["RoleMap:agents-operators:0"] = "agent-operator",
            ["DefaultRoles:0"] = "directory-user",
        });
        var ambiguous = DirectorySettings("ambiguous", AmbiguousDomain, Ldap.Port, new Dictionary<string, string?>
        {
            ["SearchBase"] = "ou=people," + Suffix,
            ["UserFilter"] = "(&(objectClass=inetOrgPerson)(|(uid={0})(uid=dave)))",
            ["ServiceAccountDn"] = "cn=gateway-reader,ou=services," + Suffix,
            ["ServiceAccountPassword"] = ServiceAccountPassword,
        });
        var closed = DirectorySettings("closed", ClosedDomain, FreePort.Next(), new Dictionary<string, string?>
        {
            ["BindDnTemplate"] = "uid={0},ou=people," + Suffix,
            ["Timeout"] = "00:00:02",
        });
        var unanswered = DirectorySettings("silent", SilentDomain, ((IPEndPoint)silent.LocalEndpoint).Port, new Dictionary<string, string?>
        {
            ["BindDnTemplate"] = "uid={0},ou=people," + Suffix,
            ["Timeout"] = "00:00:01",
        });
        var limits = new Dictionary<string, string?>
        {
            ["Identity:TokenEndpoint:PermitsPerClient"] = "1000",
            ["Identity:TokenEndpoint:PermitsPerAddress"] = "100000",
        };
        return new[] { template, search, ambiguous, closed, unanswered, limits }.SelectMany(settings => settings).ToDictionary();
    }

    /// <summary>Accepts every connection and keeps it open without ever sending a byte: a directory that hangs.</summary>
    private async Task HoldConnectionsAsync()
    {
        try
        {
            while (true)
            {
                heldConnections.Add(await silent.AcceptTcpClientAsync(stopping.Token));
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The fixture is stopping.
        }
    }
}
