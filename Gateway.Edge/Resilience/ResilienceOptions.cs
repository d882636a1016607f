using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Edge.Resilience;

/// <summary>The <c>Resilience</c> section: how the Edge behaves when a backend fails.</summary>
internal sealed class ResilienceOptions
{
    public const string SectionName = "Resilience";

    /// <summary>The <c>Retry-After</c> sent with 503 when no backend can take the request. Default: 5 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often an idempotent request without a body is retried when the connection to the backend could not be
    /// made (nothing reached the backend, so a retry cannot duplicate work). Default: 2.
    /// </summary>
    [Range(0, 5)]
    public int ConnectRetries { get; set; } = 2;

    /// <summary>The pause before each connection retry. Default: 100 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan ConnectRetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);
}
