using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Identity.SigningKeys;

/// <summary>The <c>Identity:SigningKeys</c> section: when token signing keys rotate.</summary>
internal sealed class SigningKeyOptions
{
    public const string SectionName = "Identity:SigningKeys";

    /// <summary>How long one key signs before its successor takes over. Default: 30 days.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan RotationInterval { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long a new key is published in the JWKS before it signs, so that validators that cache the JWKS know it
    /// before they meet it. Default: 1 day.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan PublicationLead { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How long a retired key stays published beyond the access-token lifetime, covering clock skew between
    /// services. Default: 5 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetentionMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often each instance checks whether a rotation is due and reloads the key set. Default: 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>RSA modulus size in bits. Default: 2048.</summary>
    [Range(2048, 4096)]
    public int KeySize { get; set; } = 2048;
}
