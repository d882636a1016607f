using System.Reflection;

namespace AgentCore.Gateway.Deploy.Tests;

/// <summary>Files of the source tree these tests were built from (deploy/, the project files).</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = typeof(RepositoryFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "RepositoryRoot").Value!;

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The alerting rule files the AppHost's Prometheus loads and Kubernetes operators install.</summary>
    public static IReadOnlyList<string> RuleFiles => Directory.GetFiles(PathOf("deploy", "prometheus"), "*.rules.yml");

    public static IReadOnlyList<string> Dashboards => Directory.GetFiles(PathOf("deploy", "grafana"), "*.json");
}
