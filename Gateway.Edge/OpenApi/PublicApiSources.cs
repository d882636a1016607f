using System.Text.Json.Nodes;

namespace AgentCore.Gateway.Edge.OpenApi;

/// <summary>
/// The snapshot of each service's document embedded in the assembly (<c>OpenApi/Services/{cluster}.json</c>, held equal
/// to what the service serves by the service's tests). The contract tests embed and read the same files.
/// </summary>
internal static class PublicApiSources
{
    private const string ServicePrefix = "public-api/";
    private const string ServiceSuffix = ".json";

    /// <summary>Each service's snapshot, by the name of the cluster that serves it.</summary>
    public static IEnumerable<KeyValuePair<string, JsonObject>> ServiceSnapshots() =>
        typeof(PublicApiSources).Assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ServicePrefix, StringComparison.Ordinal))
            .Select(name => KeyValuePair.Create(name[ServicePrefix.Length..^ServiceSuffix.Length], Read(name)));

    private static JsonObject Read(string resourceName)
    {
        using var stream = typeof(PublicApiSources).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"The embedded {resourceName} is missing.");
        return JsonNode.Parse(stream)?.AsObject() ?? throw new InvalidOperationException($"{resourceName} is not a JSON object.");
    }
}
