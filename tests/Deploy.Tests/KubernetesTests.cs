using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace AgentCore.Gateway.Deploy.Tests;

public sealed class KubernetesTests
{
    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public async Task The_overlay_renders_and_holds_every_deployment_rule(string overlay)
    {
        var manifests = await KubernetesManifests.RenderAsync(overlay);

        Assert.Empty(KubernetesPolicy.Violations(manifests));
    }

    [Fact]
    public async Task Prod_runs_at_least_three_edges_scaling_to_ten_and_is_scraped_on_the_management_port()
    {
        var manifests = await KubernetesManifests.RenderAsync("prod");

        var edge = manifests.OfKind("HorizontalPodAutoscaler").Single(hpa => hpa.Name() == "edge")["spec"]!;
        Assert.Equal(("3", "10"), ((string)edge["minReplicas"]!, (string)edge["maxReplicas"]!));
        var monitor = Assert.Single(manifests.OfKind("ServiceMonitor"));
        Assert.Equal("management", (string)monitor["spec"]!["endpoints"]![0]!["port"]!);
        Assert.All(manifests.OfKind("Deployment"), deployment =>
            Assert.StartsWith("registry.example.com/", (string)deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!, StringComparison.Ordinal));
    }

    /// <summary>The images the manifests run are the ones <c>dotnet publish -t:PublishContainer</c> builds.</summary>
    [Fact]
    public async Task Every_deployment_runs_the_image_its_project_publishes()
    {
        var projects = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["edge"] = "Gateway.Edge/Gateway.Edge.csproj",
            ["identity"] = "Gateway.Identity/Gateway.Identity.csproj",
            ["realtime"] = "Gateway.Realtime/Gateway.Realtime.csproj",
            ["audit"] = "Gateway.Audit/Gateway.Audit.csproj",
            ["agentruntime"] = "samples/AgentRuntime/AgentRuntime.csproj",
        };
        var manifests = await KubernetesManifests.RenderAsync("prod");

        foreach (var (service, project) in projects)
        {
            var repository = XDocument.Load(RepositoryFiles.PathOf(project)).Descendants("ContainerRepository").Single().Value;
            var image = (string)KubernetesPolicy.Deployment(manifests, service)["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!;
            Assert.Equal($"registry.example.com/{repository}:1.0.0", image);
        }
    }

    /// <summary>Each kind of departure the policy exists for is caught: a missing probe, a root container, a missing policy.</summary>
    [Theory]
    [InlineData("probe")]
    [InlineData("root")]
    [InlineData("writable")]
    [InlineData("network-policy")]
    [InlineData("open-backend")]
    [InlineData("autoscaler")]
    [InlineData("disruption-budget")]
    [InlineData("secret")]
    public async Task The_policy_catches_each_kind_of_departure(string departure)
    {
        var manifests = (await KubernetesManifests.RenderAsync("prod")).ToList();
        var container = KubernetesPolicy.Deployment(manifests, "audit")["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();
        switch (departure)
        {
            case "probe":
                container.Remove("readinessProbe");
                break;
            case "root":
                container["securityContext"]!["runAsUser"] = "0";
                break;
            case "writable":
                container["securityContext"]!["readOnlyRootFilesystem"] = "false";
                break;
            case "network-policy":
                manifests.RemoveAll(manifest => (string?)manifest["kind"] == "NetworkPolicy" && manifest.Name() == "backends-from-edge");
                break;
            case "open-backend":
                manifests.Single(manifest => manifest.Name() == "backends-from-edge" && (string?)manifest["kind"] == "NetworkPolicy")
                    ["spec"]!["ingress"]![0]!.AsObject().Remove("from");
                break;
            case "autoscaler":
                manifests.RemoveAll(manifest => (string?)manifest["kind"] == "HorizontalPodAutoscaler" && manifest.Name() == "realtime");
                break;
            case "disruption-budget":
                manifests.RemoveAll(manifest => (string?)manifest["kind"] == "PodDisruptionBudget" && manifest.Name() == "audit");
                break;
            case "secret":
                manifests.Add(new JsonObject { ["kind"] = "Secret", ["metadata"] = new JsonObject { ["name"] = "gateway-redis" } });
                break;
        }

        Assert.NotEmpty(KubernetesPolicy.Violations(manifests));
    }
}
