using System.Text.Json.Nodes;

namespace AgentCore.Gateway.Edge.OpenApi;

/// <summary>
/// Composes the public API document from the Edge's own (generated from its endpoints, with what only the Edge knows:
/// top-level info, security schemes, the error envelope and its refusals; see <c>EdgeApiDocumentTransformer</c>)
/// and each service's own document. Works on JSON so
/// that the contract tests compose the very same document from the same inputs.
/// </summary>
/// <remarks>
/// Every service operation gets its request-id header and the refusals the Edge itself may answer before or instead of
/// the service (<see cref="RefusalNames"/>), unless the service documents that status itself; the document declares the
/// Edge's tags, then each service's. Its security requirement
/// is what the Edge admits on the route that serves it (<see cref="PublicApiRoutes"/>), narrowed to the schemes the
/// service demands itself when it documents any (a service that validates bearer tokens never sees an API key, which
/// stays at the Edge); on a route where the Edge asks for no credentials, the service's own requirement stands. A service's
/// schema named like one of the Edge's describes the same shared contract (the error envelope), so the Edge's stays; any
/// other clash of two services' schemas is kept apart by prefixing the later one (and its references) with its service name.
/// </remarks>
internal static class PublicApiComposer
{
    /// <summary>The refusals the Edge answers itself, by status, named as in <c>components/responses</c> of the Edge document.</summary>
    public static readonly IReadOnlyDictionary<string, string> RefusalNames = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["400"] = "EdgeBadRequest",
        ["401"] = "EdgeUnauthorized",
        ["403"] = "EdgeForbidden",
        ["413"] = "EdgePayloadTooLarge",
        ["429"] = "EdgeTooManyRequests",
        ["502"] = "EdgeBadGateway",
        ["503"] = "EdgeServiceUnavailable",
        ["504"] = "EdgeGatewayTimeout",
    };

    private const string SchemaReferencePrefix = "#/components/schemas/";
    private const string PayloadTooLarge = "413";

    public static JsonObject Compose(JsonObject edge, IEnumerable<KeyValuePair<string, JsonObject>> services, PublicApiRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(edge);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(routes);
        var composed = edge.DeepClone().AsObject();
        var paths = Child(composed, "paths");
        var components = Child(composed, "components");
        var schemas = Child(components, "schemas");
        var refusals = components["responses"] as JsonObject ?? [];
        var requestId = components["parameters"]?["RequestId"];
        var edgeSchemas = schemas.Select(schema => schema.Key).ToHashSet(StringComparer.Ordinal);
        var tags = composed["tags"] as JsonArray ?? [];
        composed["tags"] = tags;

        foreach (var (name, source) in services.OrderBy(service => service.Key, StringComparer.Ordinal))
        {
            var clashing = Clashing(source, name, schemas, edgeSchemas);
            var document = Renamed(source, name, clashing);
            foreach (var tag in document["tags"] as JsonArray ?? [])
            {
                if (!tags.Any(held => (string?)held?["name"] == (string?)tag?["name"]))
                {
                    tags.Add(tag?.DeepClone());
                }
            }

            foreach (var (schemaName, schema) in document["components"]?["schemas"] as JsonObject ?? [])
            {
                if (clashing.Contains(schemaName))
                {
                    schemas[name + schemaName] = schema!.DeepClone();
                }
                else
                {
                    schemas[schemaName] ??= schema!.DeepClone();
                }
            }

            foreach (var (path, item) in document["paths"] as JsonObject ?? [])
            {
                var publicItem = item!.DeepClone().AsObject();
                var publicPath = PublicPath(path);
                foreach (var (method, operation) in publicItem)
                {
                    if (operation is JsonObject described && described["responses"] is not null)
                    {
                        SetSecurity(described, routes.AdmittedSchemes(publicPath, method));
                        AddEdgeRefusals(described, refusals, requestId);
                    }
                }

                paths[publicPath] = publicItem;
            }
        }

        return composed;
    }

    /// <summary>The route as the Edge publishes it: without the trailing slash a group's root endpoint carries.</summary>
    private static string PublicPath(string path) => path.Length > 1 ? path.TrimEnd('/') : path;

    private static void SetSecurity(JsonObject operation, IReadOnlyList<string>? admitted)
    {
        if (admitted is null)
        {
            return;
        }

        var demanded = (operation["security"] as JsonArray)?.OfType<JsonObject>().SelectMany(requirement => requirement.Select(scheme => scheme.Key)).ToHashSet(StringComparer.Ordinal);
        var schemes = demanded is { Count: > 0 } && admitted.Where(demanded.Contains).ToList() is { Count: > 0 } narrowed ? narrowed : admitted;
        operation["security"] = new JsonArray([.. schemes.Select(scheme => (JsonNode)new JsonObject { [scheme] = new JsonArray() })]);
    }

    private static void AddEdgeRefusals(JsonObject operation, JsonObject refusals, JsonNode? requestId)
    {
        if (requestId is not null)
        {
            if (operation["parameters"] is not JsonArray parameters)
            {
                parameters = [];
                operation["parameters"] = parameters;
            }

            if (!parameters.Any(parameter => (string?)parameter?["name"] == (string?)requestId["name"]))
            {
                parameters.Add(requestId.DeepClone());
            }
        }

        var responses = operation["responses"]!.AsObject();
        foreach (var (status, refusalName) in RefusalNames)
        {
            if (responses.ContainsKey(status) || refusals[refusalName] is not { } refusal
                || (status == PayloadTooLarge && operation["requestBody"] is null))
            {
                continue;
            }

            responses[status] = refusal.DeepClone();
        }

        var ordered = responses.OrderBy(response => response.Key, StringComparer.Ordinal).Select(response => (response.Key, Value: response.Value?.DeepClone())).ToList();
        responses.Clear();
        foreach (var (status, response) in ordered)
        {
            responses[status] = response;
        }
    }

    /// <summary>
    /// The service's schemas that another service already put in the document with other content. Renaming one changes
    /// the schemas that refer to it, so this repeats until no more clash.
    /// </summary>
    private static HashSet<string> Clashing(JsonObject source, string service, JsonObject schemas, HashSet<string> edgeSchemas)
    {
        var clashing = new HashSet<string>(StringComparer.Ordinal);
        bool found;
        do
        {
            found = false;
            foreach (var (schemaName, schema) in Renamed(source, service, clashing)["components"]?["schemas"] as JsonObject ?? [])
            {
                if (!edgeSchemas.Contains(schemaName) && !clashing.Contains(schemaName)
                    && schemas[schemaName] is { } held && !JsonNode.DeepEquals(held, schema))
                {
                    found = clashing.Add(schemaName);
                }
            }
        }
        while (found);

        return clashing;
    }

    /// <summary>The service's document with every reference to a schema of <paramref name="clashing"/> prefixed with the service.</summary>
    private static JsonObject Renamed(JsonObject source, string service, HashSet<string> clashing)
    {
        var text = source.ToJsonString();
        foreach (var schemaName in clashing)
        {
            text = text.Replace($"\"{SchemaReferencePrefix}{schemaName}\"", $"\"{SchemaReferencePrefix}{service}{schemaName}\"", StringComparison.Ordinal);
        }

        return JsonNode.Parse(text)!.AsObject();
    }

    private static JsonObject Child(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject child)
        {
            return child;
        }

        var created = new JsonObject();
        parent[name] = created;
        return created;
    }
}
