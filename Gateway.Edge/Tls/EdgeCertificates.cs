using System.Security.Cryptography.X509Certificates;

namespace AgentCore.Gateway.Edge.Tls;

/// <summary>Loads the Edge's server certificate from a PEM or PFX file, or from a certificate store.</summary>
internal static class EdgeCertificates
{
    /// <summary>The configured certificate, or <see langword="null"/> when none is configured (Kestrel's default then applies).</summary>
    public static X509Certificate2? Load(EdgeCertificateOptions options, TimeProvider time)
    {
        if (!string.IsNullOrWhiteSpace(options.Subject))
        {
            return FromStore(options, time.GetUtcNow());
        }

        if (string.IsNullOrWhiteSpace(options.Path))
        {
            return null;
        }

        return X509Certificate2.GetCertContentType(options.Path) == X509ContentType.Pkcs12
            ? X509CertificateLoader.LoadPkcs12FromFile(options.Path, options.Password)
            : FromPem(options);
    }

    private static X509Certificate2 FromPem(EdgeCertificateOptions options)
    {
        var keyPath = string.IsNullOrWhiteSpace(options.KeyPath) ? options.Path! : options.KeyPath;
        return string.IsNullOrEmpty(options.Password)
            ? X509Certificate2.CreateFromPemFile(options.Path!, keyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(options.Path!, options.Password, keyPath);
    }

    private static X509Certificate2 FromStore(EdgeCertificateOptions options, DateTimeOffset now)
    {
        using var store = new X509Store(options.Store, options.Location);
        store.Open(OpenFlags.ReadOnly);
        var subject = options.Subject!.StartsWith("CN=", StringComparison.OrdinalIgnoreCase) ? options.Subject[3..] : options.Subject;
        var newest = store.Certificates
            .Find(X509FindType.FindBySubjectName, subject, validOnly: false)
            .Where(certificate => certificate.HasPrivateKey && certificate.NotBefore <= now && now < certificate.NotAfter)
            .MaxBy(certificate => certificate.NotAfter);
        return newest ?? throw new InvalidOperationException(
            $"Edge:Tls:Certificate:Subject '{options.Subject}': no current certificate with a private key in {options.Location}/{options.Store}.");
    }
}
