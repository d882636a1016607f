using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.TestSupport;
using Microsoft.IdentityModel.JsonWebTokens;
using static AgentCore.Gateway.Identity.Tests.Directories.DirectoryFixture;
using static AgentCore.Gateway.Identity.Tests.TokenRequests;

namespace AgentCore.Gateway.Identity.Tests.Directories;

/// <summary>
/// A slapd that serves StartTLS and LDAPS with a certificate from a CA made for the test: two directories trust that CA
/// through their options, another relies on the system trust store, which does not know it.
/// </summary>
public sealed class TlsDirectoryFixture : IAsyncLifetime
{
    public const string TrustedDomain = "tls.globex.example";
    public const string UntrustedDomain = "untrusted-tls.globex.example";
    public const string LdapsDomain = "ldaps.globex.example";

    private readonly string root = Path.Combine(Path.GetTempPath(), "agentcore-test-ldap-tls-" + Guid.NewGuid().ToString("N"));
    private IdentityService? service;

    public LdapServer? Ldap { get; private set; }

    private string CaDirectory => Path.Combine(root, "ca");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(CaDirectory);
        // One clock reading for both: the server certificate may not outlive its CA, and a second can pass in between.
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=AgentCore test directory CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(ca, now.AddMinutes(-5), now.AddDays(1), [1, 2, 3, 4]);

        await File.WriteAllTextAsync(Path.Combine(CaDirectory, "ca.pem"), ca.ExportCertificatePem());
        var tls = new LdapServerTls(Path.Combine(root, "server.pem"), Path.Combine(root, "server.key"));
        await File.WriteAllTextAsync(tls.CertificateFile, server.ExportCertificatePem());
        await File.WriteAllTextAsync(tls.KeyFile, serverKey.ExportPkcs8PrivateKeyPem());

        var data = Path.Combine(AppContext.BaseDirectory, "Directories");
        Ldap = await LdapServer.StartAsync(Suffix, Path.Combine(data, "globex-people.ldif"), tls: tls);
    }

    public async Task<IdentityService> ServiceAsync(IdentityServerFixture identity) =>
        service ??= await identity.CreateService(Settings());

    public async ValueTask DisposeAsync()
    {
        if (Ldap is not null)
        {
            await Ldap.DisposeAsync();
        }

        Directory.Delete(root, recursive: true);
    }

    private Dictionary<string, string?> Settings()
    {
        var trusted = DirectorySettings("tls", TrustedDomain, Ldap!.Port, new Dictionary<string, string?>
        {
            ["Security"] = "StartTls",
            ["TrustedCertificatesDirectory"] = CaDirectory,
            ["BindDnTemplate"] = "uid={0},ou=people," + Suffix,
        });
        var untrusted = DirectorySettings("untrusted-tls", UntrustedDomain, Ldap!.Port, new Dictionary<string, string?>
        {
            ["Security"] = "StartTls",
            ["BindDnTemplate"] = "uid={0},ou=people," + Suffix,
        });
        var ldaps = DirectorySettings("ldaps", LdapsDomain, Ldap!.LdapsPort!.Value, new Dictionary<string, string?>
        {
            ["Security"] = "Ldaps",
            ["TrustedCertificatesDirectory"] = CaDirectory,
            ["BindDnTemplate"] = "uid={0},ou=people," + Suffix,
        });
        return trusted.Concat(untrusted).Concat(ldaps).ToDictionary();
    }
}

[Collection(IdentityServerGroup.Name)]
public sealed class LdapTlsTests(IdentityServerFixture identity, TlsDirectoryFixture directory) : IClassFixture<TlsDirectoryFixture>
{
    [Theory]
    [InlineData(TlsDirectoryFixture.TrustedDomain)]
    [InlineData(TlsDirectoryFixture.LdapsDomain)]
    public async Task StartTLS_and_LDAPS_with_the_CA_trusted_in_the_options_sign_in(string domain)
    {
        using var client = (await directory.ServiceAsync(identity)).CreateClient();

        using var response = await PasswordTokenAsync(client, $"carol@{domain}", "Carol-Ldap-Pass!");

        Assert.Equal("globex", new JsonWebToken(await AccessTokenAsync(response)).GetClaim(GatewayClaims.TenantId).Value);
    }

    [Fact]
    public async Task StartTLS_with_a_server_certificate_nobody_trusts_never_binds()
    {
        using var client = (await directory.ServiceAsync(identity)).CreateClient();

        using var response = await PasswordTokenAsync(client, $"carol@{TlsDirectoryFixture.UntrustedDomain}", "Carol-Ldap-Pass!");

        Assert.Equal("temporarily_unavailable", await EnvelopeErrorAsync(response, HttpStatusCode.ServiceUnavailable, ErrorCodes.ServiceUnavailable));
    }
}
