using System.Globalization;
using System.Text;

namespace AgentCore.Gateway.TestSupport;

/// <summary>The PEM files slapd serves TLS with (StartTLS on its plain port).</summary>
public sealed record LdapServerTls(string CertificateFile, string KeyFile);

/// <summary>
/// A real OpenLDAP <c>slapd</c> on a free loopback port with its own configuration and throw-away mdb database,
/// private to one test fixture. Entries are loaded with <c>slapadd</c> before it starts; groups are then added over
/// LDAP so that the <c>memberof</c> overlay maintains the members' <c>memberOf</c>, as a live directory does. It runs as
/// whoever runs the tests: unlike PostgreSQL, slapd accepts root (CI), and every file it touches is its own.
/// </summary>
public sealed class LdapServer : IAsyncDisposable
{
    /// <summary>The directory administrator's password: test-only, for changing entries while a test runs.</summary>
    public const string AdminPassword = "test-only-ldap-admin";

    private const string SchemaDirectory = "/etc/ldap/schema";
    private const string ModuleDirectory = "/usr/lib/ldap";
    private readonly string root;
    private readonly ServerProcess server;

    private LdapServer(string slapd, string root, string suffix, int port, int? ldapsPort)
    {
        this.root = root;
        Suffix = suffix;
        Port = port;
        LdapsPort = ldapsPort;
        var listeners = ldapsPort is { } tlsPort ? $"{Uri}/ ldaps://127.0.0.1:{tlsPort.ToString(CultureInfo.InvariantCulture)}/" : Uri + "/";
        server = new ServerProcess(slapd, ["-f", ConfigFile, "-h", listeners, "-d", "0"]);
    }

    /// <summary>The plain LDAP port (StartTLS too, when the server has TLS).</summary>
    public int Port { get; }

    /// <summary>The LDAPS port, when the server has TLS.</summary>
    public int? LdapsPort { get; }

    /// <summary>The base DN of the test directory, e.g. <c>dc=globex,dc=example</c>.</summary>
    public string Suffix { get; }

    public string AdminDn => "cn=admin," + Suffix;

    public string Uri => $"ldap://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    private string ConfigFile => Path.Combine(root, "slapd.conf");

    /// <summary>Starts slapd loaded with <paramref name="entriesLdif"/> (offline) and then <paramref name="groupsLdif"/> (online).</summary>
    public static async Task<LdapServer> StartAsync(string suffix, string entriesLdif, string? groupsLdif = null, LdapServerTls? tls = null)
    {
        var slapd = Installed("/usr/sbin/slapd");
        var root = Path.Combine(Path.GetTempPath(), "agentcore-test-ldap-" + Guid.NewGuid().ToString("N"));
        var server = new LdapServer(slapd, root, suffix, FreePort.Next(), tls is null ? null : FreePort.Next());
        Directory.CreateDirectory(Path.Combine(root, "data"));
        await File.WriteAllTextAsync(server.ConfigFile, server.Configuration(tls));
        Command.Run(Installed("/usr/sbin/slapadd"), ["-q", "-f", server.ConfigFile, "-l", entriesLdif]);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await server.StartAgainAsync();
                break;
            }
            catch (InvalidOperationException) when (attempt < 3 && !server.server.IsRunning)
            {
                // Another process took a port between FreePort and slapd's bind: the same data on fresh ports.
                server.server.Dispose();
                server = new LdapServer(slapd, root, suffix, FreePort.Next(), tls is null ? null : FreePort.Next());
            }
        }

        if (groupsLdif is not null)
        {
            server.AsAdmin("ldapadd", await File.ReadAllTextAsync(groupsLdif));
        }

        return server;
    }

    /// <summary>Applies an LDIF change (<c>changetype: modify</c> and friends) as the directory administrator.</summary>
    public void Modify(string ldif) => AsAdmin("ldapmodify", ldif);

    /// <summary>Starts the server (after <see cref="StopAsync"/>) and waits until it answers a bind.</summary>
    public async Task StartAgainAsync()
    {
        server.Start();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                AsAdmin("ldapwhoami", input: null);
                return;
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline && server.IsRunning)
            {
                await Task.Delay(100);
            }
            catch (InvalidOperationException exception)
            {
                throw new InvalidOperationException($"slapd did not start:\n{server.Output}", exception);
            }
        }
    }

    public Task StopAsync() => server.StopAsync(TimeSpan.FromSeconds(10));

    public ValueTask DisposeAsync()
    {
        server.Dispose();
        TempFolders.TryDelete(root);
        return ValueTask.CompletedTask;
    }

    private void AsAdmin(string tool, string? input)
    {
        Command.Run(Installed("/usr/bin/" + tool), ["-x", "-H", Uri, "-D", AdminDn, "-w", AdminPassword], input);
    }

    private string Configuration(LdapServerTls? tls)
    {
        var config = new StringBuilder();
        foreach (var schema in new[] { "core", "cosine", "nis", "inetorgperson" })
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"include {SchemaDirectory}/{schema}.schema");
        }

        config.AppendLine(CultureInfo.InvariantCulture, $"""
            modulepath {ModuleDirectory}
            moduleload back_mdb
            moduleload memberof
            pidfile {Path.Combine(root, "slapd.pid")}
            argsfile {Path.Combine(root, "slapd.args")}
            """);
        if (tls is not null)
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"""
                TLSCertificateFile {tls.CertificateFile}
                TLSCertificateKeyFile {tls.KeyFile}
                """);
        }

        config.AppendLine(CultureInfo.InvariantCulture, $"""
            database mdb
            suffix "{Suffix}"
            rootdn "{AdminDn}"
            rootpw {AdminPassword}
            directory {Path.Combine(root, "data")}
            maxsize 16777216
            overlay memberof
            access to attrs=userPassword by anonymous auth by * none
            access to * by users read by * none
            """);
        return config.ToString();
    }

    private static string Installed(string program) =>
        File.Exists(program)
            ? program
            : throw new InvalidOperationException($"{program} is not installed; .ci/run installs it (apt-get install slapd ldap-utils).");
}
