using AgentCore.Gateway.Identity.Directories;

namespace AgentCore.Gateway.Identity.Tests.Directories;

public sealed class DirectoriesOptionsTests
{
    [Fact]
    public void A_DN_template_directory_and_a_search_then_bind_directory_are_valid()
    {
        var options = Options(("globex", Template()), ("initech", Search("initech.example")));

        Assert.True(new DirectoriesOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("template and search", "BindDnTemplate")]
    [InlineData("neither template nor search", "BindDnTemplate")]
    [InlineData("search without service account", "ServiceAccountDn")]
    [InlineData("template without {0}", "BindDnTemplate")]
    [InlineData("plain LDAP to a remote host", "Security")]
    [InlineData("group filter without base", "GroupSearchBase")]
    [InlineData("domain with @", "Domain")]
    [InlineData("missing tenant", "TenantId")]
    public void Invalid_combinations_are_refused_at_start(string mistake, string member)
    {
        var directory = Template();
        switch (mistake)
        {
            case "template and search":
                directory.SearchBase = "ou=people,dc=globex,dc=example";
                directory.UserFilter = "(uid={0})";
                break;
            case "neither template nor search":
                directory.BindDnTemplate = null;
                break;
            case "search without service account":
                directory = Search("globex.example");
                directory.ServiceAccountDn = null;
                directory.ServiceAccountPassword = null;
                break;
            case "template without {0}":
                directory.BindDnTemplate = "uid=carol,ou=people,dc=globex,dc=example";
                break;
            case "plain LDAP to a remote host":
                directory.Host = "ldap.globex.example";
                break;
            case "group filter without base":
                directory.GroupFilter = "(member={0})";
                break;
            case "domain with @":
                directory.Domain = "carol@globex.example";
                break;
            case "missing tenant":
                directory.TenantId = string.Empty;
                break;
        }

        var result = new DirectoriesOptionsValidator().Validate(null, Options(("globex", directory)));

        Assert.True(result.Failed, mistake);
        Assert.Contains(member, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_directories_with_one_domain_are_refused()
    {
        var result = new DirectoriesOptionsValidator().Validate(null, Options(("a", Search("globex.example")), ("b", Search("GLOBEX.example"))));

        Assert.True(result.Failed);
        Assert.Contains("more than one directory", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("carol@corp.globex.example", "globex", "carol")]
    [InlineData("Carol@CORP.Globex.Example", "globex", "Carol")]
    [InlineData("team@work@corp.globex.example", "globex", "team@work")]
    [InlineData("carol@other.example", null, null)]
    [InlineData("alice", null, null)]
    public void The_domain_after_the_last_at_sign_routes_to_a_directory(string userName, string? directoryName, string? directoryUser)
    {
        var directories = new LdapDirectories(Microsoft.Extensions.Options.Options.Create(Options(("globex", Template()))));

        var route = directories.Find(userName);

        Assert.Equal(directoryName, route?.Name);
        Assert.Equal(directoryUser, route?.UserName);
    }

    [Fact]
    public void Ports_default_by_security() =>
        Assert.Equal((389, 389, 636), (
            new LdapDirectoryOptions { Security = LdapSecurity.None }.EffectivePort,
            new LdapDirectoryOptions().EffectivePort,
            new LdapDirectoryOptions { Security = LdapSecurity.Ldaps }.EffectivePort));

    private static DirectoriesOptions Options(params (string Name, LdapDirectoryOptions Directory)[] directories)
    {
        var options = new DirectoriesOptions();
        foreach (var (name, directory) in directories)
        {
            options.Directories[name] = directory;
        }

        return options;
    }

    private static LdapDirectoryOptions Template() => new()
    {
        TenantId = "globex",
        Domain = "corp.globex.example",
        Host = "127.0.0.1",
        Security = LdapSecurity.None,
        BindDnTemplate = "uid={0},ou=people,dc=globex,dc=example",
    };

    private static LdapDirectoryOptions Search(string domain) => new()
    {
        TenantId = "initech",
        Domain = domain,
        Host = "dc1.initech.example",
        Security = LdapSecurity.Ldaps,
        SearchBase = "DC=initech,DC=example",
        UserFilter = "(sAMAccountName={0})",
        ServiceAccountDn = "CN=svc,DC=initech,DC=example",
        ServiceAccountPassword = "not-a-real-secret",
    };
}
