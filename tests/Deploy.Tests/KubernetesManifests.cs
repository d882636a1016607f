using System.Text.Json.Nodes;
using AgentCore.Gateway.TestSupport;
using YamlDotNet.RepresentationModel;

namespace AgentCore.Gateway.Deploy.Tests;

/// <summary>An overlay of <c>deploy/kubernetes</c> rendered by <c>kubectl kustomize</c>, as JSON nodes.</summary>
internal static class KubernetesManifests
{
    public static async Task<IReadOnlyList<JsonObject>> RenderAsync(string overlay)
    {
        var (exitCode, output) = await ToolProcess.RunAsync(
            "kubectl", ["kustomize", RepositoryFiles.PathOf("deploy", "kubernetes", "overlays", overlay)], TestContext.Current.CancellationToken);
        Assert.True(exitCode == 0, output);

        var yaml = new YamlStream();
        yaml.Load(new StringReader(output));
        return [.. yaml.Documents.Select(document => (JsonObject)ToJson(document.RootNode)!)];
    }

    public static IEnumerable<JsonObject> OfKind(this IEnumerable<JsonObject> manifests, string kind) =>
        manifests.Where(manifest => (string?)manifest["kind"] == kind);

    public static string Name(this JsonNode manifest) => (string)manifest["metadata"]!["name"]!;

    /// <summary>Scalars stay strings (<c>"true"</c>, <c>"3"</c>): the checks compare text, as kubectl wrote it.</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(child =>
            KeyValuePair.Create(((YamlScalarNode)child.Key).Value!, ToJson(child.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode scalar => scalar.Value is null ? null : JsonValue.Create(scalar.Value),
        _ => null,
    };
}
