using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Identity.TokenApi;

/// <summary>The <c>Identity:TokenEndpoint</c> section: limits of the token endpoints.</summary>
internal sealed class TokenEndpointOptions
{
    public const string SectionName = "Identity:TokenEndpoint";

    /// <summary>Largest accepted request body; a token request is a few hundred bytes. Default: 16 KiB.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 16 * 1024;

    /// <summary>Token requests per client id per window. Default: 30.</summary>
    [Range(1, 100_000)]
    public int PermitsPerClient { get; set; } = 30;

    /// <summary>Token requests per source address per window. Default: 60.</summary>
    [Range(1, 100_000)]
    public int PermitsPerAddress { get; set; } = 60;

    /// <summary>The rate-limit window. Default: 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
