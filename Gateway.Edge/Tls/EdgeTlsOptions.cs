using System.ComponentModel.DataAnnotations;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace AgentCore.Gateway.Edge.Tls;

/// <summary>The <c>Edge:Tls</c> section: the protocol floor, the certificate, and what happens to plain HTTP.</summary>
internal sealed class EdgeTlsOptions : IValidatableObject
{
    public const string SectionName = "Edge:Tls";

    /// <summary>
    /// The oldest TLS version the HTTPS endpoint accepts: <c>1.3</c> or <c>1.2</c>. Default: <c>1.3</c>. Older
    /// versions are never offered.
    /// </summary>
    [Required]
    [RegularExpression(@"^1\.[23]$", ErrorMessage = "Edge:Tls:MinimumVersion must be 1.3 or 1.2.")]
    public string MinimumVersion { get; set; } = "1.3";

    /// <summary>Where the certificate comes from. Default: none, so Kestrel's own default (in Development the ASP.NET Core development certificate).</summary>
    public EdgeCertificateOptions Certificate { get; set; } = new();

    /// <summary>
    /// What a request over plain HTTP gets: <c>Serve</c>, <c>Redirect</c> (308 to the HTTPS endpoint) or <c>Refuse</c>
    /// (400 with the envelope). Default: <c>Serve</c> in Development, <c>Redirect</c> elsewhere.
    /// </summary>
    public PlainHttpPolicy? PlainHttp { get; set; }

    /// <summary>
    /// The public HTTPS port that redirects name. Default: the host's <c>HTTPS_PORT</c> setting (the AppHost sets it),
    /// else none, so the redirect goes to the standard port 443.
    /// </summary>
    [Range(1, 65535)]
    public int? HttpsPort { get; set; }

    public SslProtocols Protocols => MinimumVersion == "1.2" ? SslProtocols.Tls12 | SslProtocols.Tls13 : SslProtocols.Tls13;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => Certificate.Validate();
}

/// <summary>
/// <c>Edge:Tls:Certificate</c>: a PEM or PFX file (<see cref="Path"/>), or a certificate in a store found by
/// <see cref="Subject"/>. At most one of the two.
/// </summary>
internal sealed class EdgeCertificateOptions
{
    /// <summary>A <c>.pem</c>/<c>.crt</c> certificate (with <see cref="KeyPath"/>, or the key in the same file) or a <c>.pfx</c>/<c>.p12</c> archive.</summary>
    public string? Path { get; set; }

    /// <summary>The PEM private key, when <see cref="Path"/> holds only the certificate.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The PFX password, or the password of an encrypted PEM key. Pass it as a secret, never in a file.</summary>
    public string? Password { get; set; }

    /// <summary>The subject (<c>CN=gateway.example.com</c> or just the name) of a certificate in the store.</summary>
    public string? Subject { get; set; }

    /// <summary>The store searched for <see cref="Subject"/>. Default: <c>My</c>.</summary>
    public StoreName Store { get; set; } = StoreName.My;

    /// <summary>The store's location. Default: <c>CurrentUser</c>.</summary>
    public StoreLocation Location { get; set; } = StoreLocation.CurrentUser;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Path) || !string.IsNullOrWhiteSpace(Subject);

    internal IEnumerable<ValidationResult> Validate()
    {
        if (!string.IsNullOrWhiteSpace(Path) && !string.IsNullOrWhiteSpace(Subject))
        {
            yield return new ValidationResult("Edge:Tls:Certificate names both a file (Path) and a store certificate (Subject); give one.");
        }

        if (!string.IsNullOrWhiteSpace(Path) && !File.Exists(Path))
        {
            yield return new ValidationResult($"Edge:Tls:Certificate:Path '{Path}' does not exist.");
        }

        if (!string.IsNullOrWhiteSpace(KeyPath) && !File.Exists(KeyPath))
        {
            yield return new ValidationResult($"Edge:Tls:Certificate:KeyPath '{KeyPath}' does not exist.");
        }
    }
}

/// <summary>What the Edge does with a request that arrived over plain HTTP.</summary>
internal enum PlainHttpPolicy
{
    /// <summary>Answer it (development, or a trusted TLS-terminating proxy whose <c>X-Forwarded-Proto</c> is believed).</summary>
    Serve,

    /// <summary>308 to the same URL over HTTPS.</summary>
    Redirect,

    /// <summary>400 with the envelope.</summary>
    Refuse,
}
