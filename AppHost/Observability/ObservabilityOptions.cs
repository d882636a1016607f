namespace AgentCore.Gateway.AppHost.Observability;

/// <summary>The <c>Observability</c> configuration section of the AppHost.</summary>
internal sealed class ObservabilityOptions
{
    public const string SectionName = "Observability";

    /// <summary>
    /// Runs a Prometheus server that scrapes every service and evaluates <c>deploy/prometheus</c>'s alerting rules.
    /// Default: false (the dashboard already shows metrics; Prometheus adds the alerts).
    /// </summary>
    public bool Prometheus { get; set; }

    /// <summary>The <c>prometheus</c> binary. Default: the one on PATH.</summary>
    public string? PrometheusPath { get; set; }

    /// <summary>How often Prometheus scrapes and evaluates the rules. Default: 5 s, so that alerts move quickly in development.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);
}
