using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Authentication.EdgeTrust;

/// <summary>
/// The <c>EdgeTrust</c> configuration section, shared by the Edge (which signs) and the backends (which verify).
/// The AppHost generates the key as a secret parameter and hands it to each of them.
/// </summary>
public sealed class EdgeTrustOptions
{
    public const string SectionName = "EdgeTrust";

    /// <summary>The shared HMAC key (at least 32 characters). Required; no default.</summary>
    [Required]
    [MinLength(32)]
    public string Key { get; set; } = string.Empty;

    /// <summary>How far a signature's timestamp may lie from the verifier's clock. Default: 60 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The largest body a backend digests to check the signature; a larger one is refused, as the Edge never forwards
    /// it. Default: 1 MiB (the Edge's own limit).
    /// </summary>
    [Range(0, 1L << 30)]
    public long MaxBodySize { get; set; } = 1024 * 1024;

    /// <summary>
    /// Path prefixes a backend serves without a signature: the orchestrator's probes and the metrics scraper.
    /// Default: <c>/health</c>, <c>/alive</c>, <c>/ready</c>, <c>/metrics</c>.
    /// </summary>
    public IList<string> ExemptPaths { get; } = ["/health", "/alive", "/ready", "/metrics"];
}
