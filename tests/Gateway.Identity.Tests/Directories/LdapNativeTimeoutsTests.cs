using System.Net;
using System.Net.Sockets;
using AgentCore.Gateway.Identity.Directories;

namespace AgentCore.Gateway.Identity.Tests.Directories;

public sealed class LdapNativeTimeoutsTests
{
    [Fact]
    public async Task A_bind_to_a_server_that_accepts_and_never_answers_returns_on_its_own_as_unavailable()
    {
        // The kernel completes the TCP handshake for the backlog; nothing ever reads or answers.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var route = new DirectoryRoute("silent", new LdapDirectoryOptions
        {
            TenantId = "globex",
            Domain = "silent.example",
            Host = "127.0.0.1",
            Port = ((IPEndPoint)silent.LocalEndpoint).Port,
            Security = LdapSecurity.None,
            BindDnTemplate = "uid={0},ou=people,dc=globex,dc=example",
        }, "carol");

        Assert.True(LdapNativeTimeouts.TryApply(TimeSpan.FromSeconds(1)), "libldap was not found");
        // Without libldap's timeout the synchronous bind never returns (the sign-in's own deadline only answers the
        // user); this generous bound just keeps a regression from hanging the test run.
        var answer = await Task.Run(() => LdapDirectoryClient.Verify(route, "Carol-Ldap-Pass!"), TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.Equal(DirectoryOutcome.Unavailable, answer.Outcome);
        Assert.Contains("LDAP error 85", answer.Problem, StringComparison.Ordinal);
    }
}
