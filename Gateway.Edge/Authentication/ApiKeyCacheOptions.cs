using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Edge.Authentication;

/// <summary>The <c>Authentication:ApiKeys</c> section: how long the Edge trusts what it read from Redis about a key.</summary>
internal sealed class ApiKeyCacheOptions
{
    public const string SectionName = "Authentication:ApiKeys";

    /// <summary>
    /// How long a key found in Redis is trusted without asking again. Revocations also arrive by pub/sub at once;
    /// this bounds the delay when such a message is missed. Default: 30 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an unknown key is remembered as unknown, so guessing costs Redis little. Default: 5 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan NegativeCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many keys (known and unknown) are remembered. Default: 10,000.</summary>
    [Range(0, 1_000_000)]
    public int CacheSize { get; set; } = 10_000;
}
