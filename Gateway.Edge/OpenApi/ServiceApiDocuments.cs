using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace AgentCore.Gateway.Edge.OpenApi;

/// <summary>
/// The copy of each service's own API document the Edge composes with its own: at first the snapshot embedded in the Edge
/// (<see cref="PublicApiSources"/>), then the last copy fetched from the service. A service that is down keeps its last copy in the public document.
/// Composed with the credentials the Edge's own route configuration admits (<see cref="PublicApiRoutes"/>).
/// </summary>
internal sealed class ServiceApiDocuments(IConfiguration configuration)
{
    private readonly ConcurrentDictionary<string, JsonObject> documents = new(PublicApiSources.ServiceSnapshots(), StringComparer.Ordinal);
    private readonly Lock gate = new();
    private int version;
    private (int Version, JsonObject Edge, OpenApiDocument Document)? composed;

    /// <summary>The clusters whose services describe part of the public API.</summary>
    public IEnumerable<string> Clusters => documents.Keys;

    private IReadOnlyList<KeyValuePair<string, JsonObject>> Current => [.. documents];

    /// <summary>
    /// The public API composed from the Edge's own document and the copies held; composed again only after one of them
    /// changed.
    /// </summary>
    public OpenApiDocument Composed(JsonObject edge)
    {
        lock (gate)
        {
            var current = Volatile.Read(ref version);
            if (composed is not { } held || held.Version != current || !JsonNode.DeepEquals(held.Edge, edge))
            {
                var json = PublicApiComposer.Compose(edge, Current, PublicApiRoutes.From(configuration)).ToJsonString();
                held = (current, edge, OpenApiDocument.Parse(json, "json").Document
                    ?? throw new InvalidOperationException("The composed public API is not a valid OpenAPI document."));
                composed = held;
            }

            return held.Document;
        }
    }

    /// <summary>Keeps <paramref name="document"/> as the cluster's copy; false when it is the copy already held.</summary>
    public bool Update(string cluster, JsonObject document)
    {
        if (documents.TryGetValue(cluster, out var held) && JsonNode.DeepEquals(held, document))
        {
            return false;
        }

        documents[cluster] = document;
        Interlocked.Increment(ref version);
        return true;
    }
}
