using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using AgentCore.Gateway.AppHost.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace AgentCore.Gateway.AppHost;

/// <summary>The Edge's HTTPS endpoint on <see cref="Port"/>, beside its plain HTTP one.</summary>
internal static class EdgeHttps
{
    public const int Port = 8443;
    public const string EndpointName = "https";

    /// <summary>The Edge's TLS settings (<c>Edge:Tls:*</c>), passed on from the AppHost's configuration when given there.</summary>
    public const string TlsSection = "Edge:Tls";

    /// <summary>The extension that marks the ASP.NET Core development certificate.</summary>
    private const string DevelopmentCertificateOid = "1.3.6.1.4.1.311.84.1.1";

    /// <summary>
    /// Adds the HTTPS endpoint (health checks keep to the <c>http</c> one: the development certificate is not trusted
    /// on every machine). Without a certificate in <c>Edge:Tls:Certificate</c>, the Edge serves the ASP.NET Core
    /// development certificate, which is created here (<c>dotnet dev-certs https</c>, offline) when missing.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithEdgeHttps(this IResourceBuilder<ProjectResource> edge)
    {
        edge.WithEdgeTlsSettings();
        EnsureCertificate(edge.ApplicationBuilder.Configuration);

        // Not proxied, like the http endpoint: the Edge must see its clients' real addresses. Its pages are same-origin
        // on this origin too, beside the issuer's.
        edge.WithHttpsEndpoint(port: Port, targetPort: Port, name: EndpointName, isProxied: false);
        return edge.WithEnvironment("Cors__PublicOrigins__0", ReferenceExpression.Create($"{edge.GetEndpoint(EndpointName)}"));
    }

    /// <summary>The Edge's TLS settings (<c>Edge:Tls:*</c>) from the AppHost's configuration, passed on to a replica.</summary>
    public static IResourceBuilder<ProjectResource> WithEdgeTlsSettings(this IResourceBuilder<ProjectResource> edge)
    {
        var tls = edge.ApplicationBuilder.Configuration.GetSection(TlsSection);
        foreach (var (key, value) in tls.AsEnumerable().Where(setting => setting.Value is not null))
        {
            edge.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
        }

        return edge;
    }

    /// <summary>Without a certificate in <c>Edge:Tls:Certificate</c>, makes sure the development certificate exists.</summary>
    public static void EnsureCertificate(IConfiguration configuration)
    {
        var certificate = configuration.GetSection(TlsSection).GetSection("Certificate");
        if (string.IsNullOrEmpty(certificate["Path"]) && string.IsNullOrEmpty(certificate["Subject"]))
        {
            EnsureDevelopmentCertificate();
        }
    }

    /// <summary>The current ASP.NET Core development certificate with its private key, or null.</summary>
    public static X509Certificate2? FindDevelopmentCertificate()
    {
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadOnly);
        var now = DateTime.Now;
        return store.Certificates
            .Where(certificate => certificate.Extensions.Any(extension => extension.Oid?.Value == DevelopmentCertificateOid)
                && certificate.HasPrivateKey && certificate.NotBefore <= now && now < certificate.NotAfter)
            .MaxBy(certificate => certificate.NotAfter);
    }

    private static void EnsureDevelopmentCertificate()
    {
        if (HasDevelopmentCertificate())
        {
            return;
        }

        var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", "dev-certs https")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            using var process = Process.Start(startInfo)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode == 0 && HasDevelopmentCertificate())
            {
                Console.WriteLine($"Created the ASP.NET Core development certificate for https://localhost:{Port} ('dotnet dev-certs https').");
                return;
            }

            throw Unavailable(output.Trim());
        }
        catch (System.ComponentModel.Win32Exception notFound)
        {
            throw Unavailable(notFound.Message);
        }
    }

    private static bool HasDevelopmentCertificate()
    {
        using var certificate = FindDevelopmentCertificate();
        return certificate is not null;
    }

    private static InfrastructureUnavailableException Unavailable(string detail) => new(
        $"The Edge's HTTPS endpoint (https://localhost:{Port}) needs a certificate: either the ASP.NET Core development " +
        $"certificate, which 'dotnet dev-certs https' could not create ({detail}), or one named in Edge:Tls:Certificate " +
        "(Path to a PEM or PFX file, or Subject of a certificate in the store). Run 'dotnet dev-certs https' and start again.");
}
