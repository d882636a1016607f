using System.Security.Cryptography.X509Certificates;
using AgentCore.Gateway.AppHost.Infrastructure;
using AgentCore.Gateway.Edge.Tls;
using Microsoft.Extensions.Configuration;

namespace AgentCore.Gateway.AppHost.Scaling;

/// <summary>
/// The certificate nginx serves in front of several Edge replicas: the one a single Edge would serve
/// (<c>Edge:Tls:Certificate</c>, loaded by the Edge's own code, or the ASP.NET Core development certificate), written
/// out as PEM for nginx, the key readable by its owner only. The TLS floor is the Edge's too.
/// </summary>
internal sealed class EdgeFrontCertificate(EdgeTlsOptions options)
{
    public static EdgeFrontCertificate FromConfiguration(IConfiguration configuration)
    {
        EdgeHttps.EnsureCertificate(configuration);
        return new EdgeFrontCertificate(configuration.GetSection(EdgeHttps.TlsSection).Get<EdgeTlsOptions>() ?? new());
    }

    /// <summary>nginx's <c>ssl_protocols</c> for <see cref="EdgeTlsOptions.MinimumVersion"/>.</summary>
    public string Protocols => options.MinimumVersion == "1.2" ? "TLSv1.2 TLSv1.3" : "TLSv1.3";

    /// <summary>Writes <c>tls.crt</c> and <c>tls.key</c> into <paramref name="directory"/> and returns their paths.</summary>
    public (string Certificate, string Key) Export(string directory)
    {
        using var certificate = EdgeCertificates.Load(options.Certificate, TimeProvider.System) ?? EdgeHttps.FindDevelopmentCertificate()
            ?? throw new InfrastructureUnavailableException("No certificate for the Edge's HTTPS port: run 'dotnet dev-certs https' or set Edge:Tls:Certificate.");
        var key = (System.Security.Cryptography.AsymmetricAlgorithm?)certificate.GetRSAPrivateKey() ?? certificate.GetECDsaPrivateKey()
            ?? throw new InfrastructureUnavailableException($"The Edge's certificate ({certificate.Subject}) has no RSA or ECDSA private key nginx could use.");
        using (key)
        {
            var certificateFile = Path.Combine(directory, "tls.crt");
            var keyFile = Path.Combine(directory, "tls.key");
            File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
            LocalDataDirectory.WritePrivateFile(keyFile, key.ExportPkcs8PrivateKeyPem());
            return (certificateFile, keyFile);
        }
    }
}
