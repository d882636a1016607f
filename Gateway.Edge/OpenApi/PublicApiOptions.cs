using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Edge.OpenApi;

/// <summary>The <c>PublicApi</c> section: how the Edge keeps the services' own API documents fresh.</summary>
internal sealed class PublicApiOptions
{
    public const string SectionName = "PublicApi";

    /// <summary>How often each service's document is fetched again. Default: 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one fetch may take before the copy the Edge holds stays in use. Default: 5 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
