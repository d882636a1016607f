using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Audit.Redaction;

/// <summary>
/// The <c>AuditRedaction</c> configuration section. The HMAC key that pseudonymizes personal fields is a secret:
/// production supplies it from a secret store; appsettings.Development.json holds a development-only key.
/// </summary>
internal sealed class AuditRedactionOptions
{
    public const string SectionName = "AuditRedaction";

    /// <summary>
    /// Identifies the key in every pseudonym (its prefix), so pseudonyms made under different keys never look equal
    /// after a rotation. No default: required.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int HmacKeyId { get; set; }

    /// <summary>The HMAC key, base64, at least 44 characters (32 bytes). No default: required.</summary>
    [Required]
    [Base64String]
    [MinLength(44)]
    public string HmacKey { get; set; } = string.Empty;

    /// <summary>Longest stored length of a free-text field (route, reason, a detail value); the rest is cut. Default: 512.</summary>
    [Range(16, 8192)]
    public int MaxFieldLength { get; set; } = 512;
}
