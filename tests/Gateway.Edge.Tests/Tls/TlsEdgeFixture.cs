using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AgentCore.Gateway.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AgentCore.Gateway.Edge.Tests.Tls;

/// <summary>
/// The real Edge with an HTTPS and a plain HTTP listener on loopback, its certificate from PEM files named in
/// <c>Edge:Tls:Certificate</c>, and plain HTTP redirected as outside Development.
/// </summary>
public class TlsEdgeFixture : EdgeFixture
{
    private readonly string folder = Directory.CreateTempSubdirectory("edge-tls-").FullName;

    public TlsEdgeFixture()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        Thumbprint = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        CertificatePath = Path.Combine(folder, "edge.crt");
        File.WriteAllText(CertificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "edge.key"), key.ExportPkcs8PrivateKeyPem());
    }

    public int HttpsPort { get; } = FreePort.Next();

    public int HttpPort { get; } = FreePort.Next();

    public Uri HttpsAddress => new($"https://127.0.0.1:{HttpsPort}/");

    public Uri HttpAddress => new($"http://127.0.0.1:{HttpPort}/");

    /// <summary>The PEM certificate the Edge serves, for clients that pin it.</summary>
    public string CertificatePath { get; }

    /// <summary><c>Edge:Tls:MinimumVersion</c>, or null for the default.</summary>
    protected virtual string? MinimumVersion => null;

    private string Thumbprint { get; }

    /// <summary>Accepts exactly the Edge's test certificate: pinned by its SHA-256 thumbprint, never any certificate.</summary>
    public bool IsEdgeCertificate(X509Certificate? certificate) =>
        certificate is not null && string.Equals(
            Thumbprint, X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()).GetCertHashString(HashAlgorithmName.SHA256), StringComparison.Ordinal);

    /// <summary>A client of the Edge's HTTPS endpoint that trusts its test certificate and follows no redirects.</summary>
    public HttpClient CreateTlsClient(Uri baseAddress) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, certificate, _, _) => IsEdgeCertificate(certificate) },
    })
    { BaseAddress = baseAddress };

    protected override void Configure(IWebHostBuilder web)
    {
        web.UseUrls(HttpAddress.ToString(), HttpsAddress.ToString());
        web.UseSetting("HTTPS_PORT", HttpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        web.UseSetting("Edge:Tls:Certificate:Path", CertificatePath);
        web.UseSetting("Edge:Tls:Certificate:KeyPath", Path.Combine(folder, "edge.key"));
        web.UseSetting("Edge:Tls:PlainHttp", "Redirect");
        if (MinimumVersion is not null)
        {
            web.UseSetting("Edge:Tls:MinimumVersion", MinimumVersion);
        }
    }

    protected override void Listen(WebApplicationFactory<Program> factory) => factory.UseKestrel();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}

/// <summary>The same Edge with <c>Edge:Tls:MinimumVersion</c> 1.2.</summary>
public sealed class Tls12EdgeFixture : TlsEdgeFixture
{
    protected override string? MinimumVersion => "1.2";
}
