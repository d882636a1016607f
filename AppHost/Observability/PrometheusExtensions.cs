using System.Globalization;
using System.Reflection;
using System.Text;
using AgentCore.Gateway.AppHost.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace AgentCore.Gateway.AppHost.Observability;

internal static class PrometheusExtensions
{
    public const string ResourceName = "prometheus";

    /// <summary>The endpoint that serves a project's metrics once it has a separate management endpoint.</summary>
    public const string ManagementEndpointName = "management";

    /// <summary>
    /// With <c>Observability:Prometheus=true</c>, a Prometheus server that scrapes every project's metrics endpoint and
    /// evaluates the alerting rules of <c>deploy/prometheus</c>; its UI (and its Alerts page) are linked in the dashboard.
    /// Throws <see cref="InfrastructureUnavailableException"/> with install advice when the binary is missing.
    /// </summary>
    public static void AddPrometheusOnRequest(this IDistributedApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(ObservabilityOptions.SectionName).Get<ObservabilityOptions>() ?? new();
        if (!options.Prometheus)
        {
            return;
        }

        var binary = FindBinary(options.PrometheusPath);
        var rules = RulesDirectory();
        var directory = Directory.CreateTempSubdirectory("agentcore-prometheus-").FullName;
        var configFile = Path.Combine(directory, "prometheus.yml");

        var prometheus = builder.AddResource(new PrometheusResource(ResourceName, binary, directory))
            .WithHttpEndpoint(name: PrometheusResource.EndpointName)
            .WithArgs(context =>
            {
                var endpoint = ((PrometheusResource)context.Resource).Endpoint;
                context.Args.Add("--config.file=" + configFile);
                context.Args.Add("--storage.tsdb.path=" + Path.Combine(directory, "data"));
                context.Args.Add("--storage.tsdb.retention.time=1d");
                context.Args.Add(ReferenceExpression.Create($"--web.listen-address=127.0.0.1:{endpoint.Property(EndpointProperty.TargetPort)}"));
            })
            .WithHttpHealthCheck("/-/ready")
            .WithUrlForEndpoint(PrometheusResource.EndpointName, url => url.DisplayText = "Prometheus")
            .WithUrls(context => context.Urls.Add(new ResourceUrlAnnotation
            {
                Url = ((PrometheusResource)context.Resource).Endpoint.Url + "/alerts",
                DisplayText = "Alerts",
            }))
            .ExcludeFromManifest();

        // The scrape targets are the ports the orchestrator allocated, known only once the resources exist.
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(prometheus.Resource, async (_, cancellationToken) =>
        {
            var targets = new List<(string Job, string Address)>();
            foreach (var project in builder.Resources.OfType<ProjectResource>())
            {
                var address = await MetricsEndpoint(project).Property(EndpointProperty.HostAndPort).GetValueAsync(cancellationToken);
                targets.Add((project.Name, address!));
            }

            await File.WriteAllTextAsync(configFile, Configuration(options.Interval, rules, targets), cancellationToken);
        });
    }

    /// <summary>The endpoint named <c>management</c> when the project has one, else its <c>http</c> endpoint.</summary>
    public static EndpointReference MetricsEndpoint(ProjectResource project) =>
        project.Annotations.OfType<EndpointAnnotation>().Any(endpoint => endpoint.Name == ManagementEndpointName)
            ? project.GetEndpoint(ManagementEndpointName)
            : project.GetEndpoint("http");

    private static string Configuration(TimeSpan interval, string rules, IEnumerable<(string Job, string Address)> targets)
    {
        var seconds = Math.Max(1, (int)interval.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";
        var yaml = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"global:\n  scrape_interval: {seconds}\n  evaluation_interval: {seconds}\n")
            .Append(CultureInfo.InvariantCulture, $"rule_files:\n  - '{Path.Combine(rules, "*.rules.yml")}'\n")
            .Append("scrape_configs:\n");
        foreach (var (job, address) in targets)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - job_name: '{job}'\n    metrics_path: /metrics\n    static_configs:\n      - targets: ['{address}']\n");
        }

        return yaml.ToString();
    }

    private static string FindBinary(string? configured)
    {
        var binary = configured ?? ExecutableSearch.FindOnPath("prometheus");
        return binary is not null && File.Exists(binary)
            ? binary
            : throw new InfrastructureUnavailableException(
                "Observability:Prometheus=true needs the prometheus binary, and none was found " +
                (configured is null ? "on PATH" : $"at Observability:PrometheusPath ({configured})") +
                ". Install it (Debian/Ubuntu: 'sudo apt-get install prometheus', then 'sudo systemctl disable --now prometheus' " +
                "so that the system one does not hold port 9090; macOS: 'brew install prometheus'), or start without " +
                "--Observability:Prometheus=true.");
    }

    /// <summary><c>deploy/prometheus</c> of the source tree the AppHost was built from.</summary>
    private static string RulesDirectory() =>
        typeof(PrometheusExtensions).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "PrometheusRulesDirectory").Value!;
}
