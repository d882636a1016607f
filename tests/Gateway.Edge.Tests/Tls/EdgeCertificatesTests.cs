using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AgentCore.Gateway.Edge.Tls;
using Microsoft.Extensions.Time.Testing;

namespace AgentCore.Gateway.Edge.Tests.Tls;

/// <summary>The three places a certificate comes from: PEM files (the TLS fixture uses them), a PFX, and a store.</summary>
public sealed class EdgeCertificatesTests
{
    [Fact]
    public void A_password_protected_pfx_loads_with_its_private_key()
    {
        using var certificate = SelfSigned("CN=edge-pfx.test");
        var path = Path.Combine(Directory.CreateTempSubdirectory("edge-pfx-").FullName, "edge.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, "pfx-password"));

        using var loaded = EdgeCertificates.Load(new EdgeCertificateOptions { Path = path, Password = "pfx-password" }, TimeProvider.System);

        Assert.NotNull(loaded);
        Assert.True(loaded.HasPrivateKey);
        Assert.Equal(certificate.Thumbprint, loaded.Thumbprint);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    [Fact]
    public void A_store_certificate_is_found_by_subject_and_the_current_one_valid_longest_wins()
    {
        var subject = $"edge-store-{Guid.NewGuid():N}.test";
        using var shorter = SelfSigned($"CN={subject}", validDays: 10);
        using var longer = SelfSigned($"CN={subject}", validDays: 20);
        using var successor = SelfSigned($"CN={subject}", validDays: 60, startsInDays: 30);
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadWrite);
        X509Certificate2[] added = [Persisted(shorter), Persisted(longer), Persisted(successor)];
        store.AddRange([.. added]);
        try
        {
            using var now = EdgeCertificates.Load(new EdgeCertificateOptions { Subject = $"CN={subject}" }, TimeProvider.System);
            using var inFiveWeeks = EdgeCertificates.Load(
                new EdgeCertificateOptions { Subject = subject }, new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(35)));

            Assert.Equal(longer.Thumbprint, now!.Thumbprint);
            Assert.True(now.HasPrivateKey);
            Assert.Equal(successor.Thumbprint, inFiveWeeks!.Thumbprint);
        }
        finally
        {
            store.RemoveRange([.. added]);
        }
    }

    [Fact]
    public void A_subject_with_no_certificate_in_the_store_names_what_was_searched()
    {
        var failure = Assert.Throws<InvalidOperationException>(() =>
            EdgeCertificates.Load(new EdgeCertificateOptions { Subject = "CN=nobody.invalid" }, TimeProvider.System));

        Assert.Contains("CN=nobody.invalid", failure.Message, StringComparison.Ordinal);
        Assert.Contains("CurrentUser/My", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_certificate_configured_leaves_kestrel_s_default()
    {
        Assert.Null(EdgeCertificates.Load(new EdgeCertificateOptions(), TimeProvider.System));
    }

    private static X509Certificate2 SelfSigned(string subject, int validDays = 1, int startsInDays = 0)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(startsInDays).AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(validDays));
    }

    /// <summary>A copy whose private key the store can keep (an ephemeral key cannot be persisted).</summary>
    private static X509Certificate2 Persisted(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.PersistKeySet | X509KeyStorageFlags.Exportable);
}
