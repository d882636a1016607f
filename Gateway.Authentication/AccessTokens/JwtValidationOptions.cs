using System.ComponentModel.DataAnnotations;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Authentication.AccessTokens;

/// <summary>The <c>Authentication:Jwt</c> section: how the Edge validates bearer access tokens locally.</summary>
public sealed class JwtValidationOptions
{
    public const string SectionName = "Authentication:Jwt";

    /// <summary>The required <c>iss</c>. Default: the shared <c>Gateway:Issuer</c> setting (the Edge's public URL).</summary>
    [Required]
    public string Issuer { get; set; } = string.Empty;

    /// <summary>The required <c>aud</c>. Default: <c>agentcore-gateway</c>.</summary>
    [Required]
    public string Audience { get; set; } = GatewayTokens.Audience;

    /// <summary>
    /// Identity's discovery document. Default: <c>http://identity/.well-known/openid-configuration</c>, resolved by
    /// service discovery. Its <c>jwks_uri</c> names the public Edge, so the Edge reads the same path from here instead.
    /// </summary>
    [Required]
    public Uri MetadataAddress { get; set; } = new("http://identity/.well-known/openid-configuration");

    /// <summary>Tolerance for <c>exp</c> and <c>nbf</c> between clocks. Default: 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The shortest time between two key downloads caused by unknown <c>kid</c>s, so forged kids cannot make the
    /// Edge hammer Identity. Default: 30 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan UnknownKeyRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// After a failed key download (Identity down or unreachable), how long tokens signed with keys not yet known are
    /// answered 503 with this <c>Retry-After</c> before Identity is asked again. Default: 5 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan KeyRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long downloaded keys are used before they are downloaded again, so removed keys stop being trusted. Default: 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan KeyLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Whether a token without <c>nbf</c> is refused. Default: true.</summary>
    public bool RequireNotBefore { get; set; } = true;

    /// <summary>How many validated tokens are remembered until they expire. Default: 100,000.</summary>
    [Range(0, 10_000_000)]
    public int TokenCacheSize { get; set; } = 100_000;
}
