using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AgentCore.Gateway.Edge.OpenApi;
using Microsoft.Extensions.Configuration;

namespace AgentCore.Gateway.TestSupport.OpenApi;

/// <summary>
/// The public API's OpenAPI document as a contract: service tests hold the services' real answers against the
/// documented schemas, so that the document and the services cannot drift apart unnoticed.
/// </summary>
/// <remarks>
/// The schema check is deliberately strict where drift hides: an object that lists <c>properties</c> and says nothing
/// about <c>additionalProperties</c> may not carry undocumented properties. It understands the keywords the
/// document uses: <c>$ref</c> (local), <c>allOf</c>, <c>type</c> (also a list), <c>required</c>, <c>properties</c>,
/// <c>additionalProperties</c>, <c>items</c>, <c>enum</c>, <c>const</c>, <c>format</c> (date-time, uuid),
/// <c>pattern</c>, <c>minLength</c>, <c>maxLength</c>, <c>minimum</c>, <c>maximum</c> and <c>minItems</c>.
/// </remarks>
public sealed class PublicApiContract
{
    private readonly JsonObject document;

    private PublicApiContract(JsonObject document) => this.document = document;

    /// <summary>
    /// The document as the Edge publishes it: composed by the Edge's own composer from the Edge's part and the services'
    /// snapshots, which <see cref="PublicApiSnapshot"/> holds equal to what each service serves.
    /// </summary>
    public static PublicApiContract Document { get; } = Load();

    /// <summary>Any public API document as a contract, such as the one an Edge serves.</summary>
    public static PublicApiContract From(JsonObject document) => new(document);

    /// <summary>The operation, or an exception naming what the document lacks.</summary>
    public JsonObject Operation(string method, string path) =>
        document["paths"]?[path]?[method.ToLowerInvariant()] as JsonObject
        ?? throw new KeyNotFoundException($"The document has no operation {method.ToUpperInvariant()} {path}.");

    /// <summary>A schema of <c>components/schemas</c>, with references resolved and <c>allOf</c> merged.</summary>
    public JsonObject Schema(string name) =>
        Flatten(document["components"]?["schemas"]?[name] ?? throw new KeyNotFoundException($"The document has no schema '{name}'."));

    /// <summary>The schema of the operation's request body for <paramref name="mediaType"/>.</summary>
    public JsonObject RequestSchema(string method, string path, string mediaType = "application/json") =>
        Flatten(Operation(method, path)["requestBody"]?["content"]?[mediaType]?["schema"]
            ?? throw new KeyNotFoundException($"{method.ToUpperInvariant()} {path} documents no {mediaType} request body."));

    /// <summary>The property names of the operation's request body schema.</summary>
    public IReadOnlyList<string> RequestPropertyNames(string method, string path, string mediaType = "application/json") =>
        [.. (RequestSchema(method, path, mediaType)["properties"] as JsonObject ?? []).Select(property => property.Key)];

    /// <summary>The required property names of the operation's request body schema.</summary>
    public IReadOnlyList<string> RequiredRequestPropertyNames(string method, string path, string mediaType = "application/json") =>
        [.. (RequestSchema(method, path, mediaType)["required"] as JsonArray ?? []).Select(name => (string)name!)];

    /// <summary>
    /// Throws unless <paramref name="documented"/> and <paramref name="actual"/> name the same things: what the document
    /// promises must be what the service reads, and nothing it reads may be missing from the document.
    /// </summary>
    public static void AssertSameNames(string what, IEnumerable<string> documented, IEnumerable<string> actual)
    {
        var promised = documented.ToHashSet(StringComparer.Ordinal);
        var real = actual.ToHashSet(StringComparer.Ordinal);
        PublicApiContractException.ThrowIfAny([
            .. promised.Except(real).Order(StringComparer.Ordinal).Select(name => $"{what}: '{name}' is documented but the service does not read it"),
            .. real.Except(promised).Order(StringComparer.Ordinal).Select(name => $"{what}: '{name}' is read by the service but not documented"),
        ]);
    }

    /// <summary>The operation's parameters of one location (<c>query</c>, <c>header</c>, <c>path</c>) by name.</summary>
    public IReadOnlyDictionary<string, JsonObject> Parameters(string method, string path, string location) =>
        (Operation(method, path)["parameters"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(parameter => (string?)parameter["in"] == location)
            .ToDictionary(parameter => (string)parameter["name"]!, parameter => parameter, StringComparer.Ordinal);

    /// <summary>The documented status codes of an operation.</summary>
    public IReadOnlyList<int> Statuses(string method, string path) =>
        [.. (Operation(method, path)["responses"] as JsonObject ?? []).Select(response => int.Parse(response.Key, CultureInfo.InvariantCulture))];

    /// <summary>The schema the operation documents for <paramref name="status"/> and <paramref name="mediaType"/>.</summary>
    public JsonObject ResponseSchema(string method, string path, int status, string mediaType = "application/json") =>
        Flatten(Operation(method, path)["responses"]?[status.ToString(CultureInfo.InvariantCulture)]?["content"]?[mediaType]?["schema"]
            ?? throw new KeyNotFoundException($"{method.ToUpperInvariant()} {path} documents no {mediaType} body for {status}."));

    /// <summary>
    /// The data schema of each event name a Server-Sent Events response documents (the <c>x-event-schemas</c> extension of
    /// its <c>text/event-stream</c> content, since OpenAPI 3.1 has no keyword for the items of a stream).
    /// </summary>
    public IReadOnlyDictionary<string, JsonObject> EventSchemas(string method, string path, int status = 200) =>
        (Operation(method, path)["responses"]?[status.ToString(CultureInfo.InvariantCulture)]?["content"]?["text/event-stream"]?["x-event-schemas"] as JsonObject
            ?? throw new KeyNotFoundException($"{method.ToUpperInvariant()} {path} documents no event schemas for {status}."))
        .ToDictionary(entry => entry.Key, entry => Flatten(entry.Value!), StringComparer.Ordinal);

    /// <summary>
    /// Holds a real response against the operation: its status must be documented, its content type must be one the
    /// status documents (or the body empty when it documents none), and a JSON body must match the schema.
    /// </summary>
    public async Task<ContractCheck> CheckAsync(string method, string path, HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        var status = (int)response.StatusCode;
        var where = $"{method.ToUpperInvariant()} {path} {status}";
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var body = text.Length > 0 && IsJson(response.Content.Headers.ContentType?.MediaType) ? ParseOrNull(text) : null;
        var documented = Operation(method, path)["responses"]?[status.ToString(CultureInfo.InvariantCulture)];
        if (documented is null)
        {
            return new ContractCheck(body, [$"{where}: the status is not documented (documented: {string.Join(", ", Statuses(method, path))}); body: {Shorten(text)}"]);
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (documented["content"] is not JsonObject content)
        {
            return new ContractCheck(body, text.Length == 0 ? [] : [$"{where}: documented without a body, but one came: {Shorten(text)}"]);
        }

        if (mediaType is null || content[mediaType] is not { } media)
        {
            return new ContractCheck(body, [$"{where}: content type '{mediaType}' is not documented (documented: {string.Join(", ", content.Select(entry => entry.Key))})"]);
        }

        if (!IsJson(mediaType))
        {
            return new ContractCheck(body, []);
        }

        if (body is null)
        {
            return new ContractCheck(null, [$"{where}: the body is not JSON: {Shorten(text)}"]);
        }

        return new ContractCheck(body, Violations(body.Value, Flatten(media["schema"]!), where));
    }

    /// <summary>As <see cref="CheckAsync"/>, but throws, listing every departure; returns the JSON body, if any.</summary>
    public async Task<JsonElement?> AssertMatchesAsync(string method, string path, HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        var check = await CheckAsync(method, path, response, cancellationToken);
        PublicApiContractException.ThrowIfAny(check.Violations);
        return check.Body;
    }

    /// <summary>Every way <paramref name="value"/> departs from <paramref name="schema"/>; empty when it matches.</summary>
    public IReadOnlyList<string> Violations(JsonElement value, JsonObject schema, string where = "$")
    {
        var violations = new List<string>();
        Check(value, schema, where, violations);
        return violations;
    }

    /// <summary>Resolves local references and merges <c>allOf</c> into one schema (properties and required united).</summary>
    public JsonObject Flatten(JsonNode schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if ((string?)schema["$ref"] is { } reference)
        {
            return Flatten(Resolve(reference));
        }

        var merged = new JsonObject();
        var properties = new JsonObject();
        var required = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in schema["allOf"] is JsonArray parts ? parts.Select(part => Flatten(part!)).Prepend(schema.AsObject()) : [schema.AsObject()])
        {
            foreach (var (keyword, value) in part)
            {
                switch (keyword)
                {
                    case "allOf":
                        break;
                    case "properties":
                        foreach (var (name, property) in value!.AsObject())
                        {
                            properties[name] ??= property!.DeepClone();
                        }

                        break;
                    case "required":
                        required.UnionWith(value!.AsArray().Select(name => (string)name!));
                        break;
                    default:
                        if (!merged.ContainsKey(keyword))
                        {
                            merged[keyword] = value?.DeepClone();
                        }

                        break;
                }
            }
        }

        if (properties.Count > 0)
        {
            merged["properties"] = properties;
        }

        if (required.Count > 0)
        {
            merged["required"] = new JsonArray([.. required.Order(StringComparer.Ordinal).Select(name => (JsonNode)name)]);
        }

        return merged;
    }

    private void Check(JsonElement value, JsonObject schema, string at, List<string> violations)
    {
        var types = schema["type"] switch
        {
            JsonArray list => list.Select(type => (string)type!).ToArray(),
            JsonValue single => [(string)single!],
            _ => [],
        };
        if (types.Length > 0 && !types.Any(type => IsOfType(value, type)))
        {
            violations.Add($"{at}: expected {string.Join(" or ", types)}, got {Describe(value)}");
            return;
        }

        var node = JsonNode.Parse(value.GetRawText());
        if (schema["const"] is { } constant && !JsonNode.DeepEquals(constant, node))
        {
            violations.Add($"{at}: expected {constant.ToJsonString()}, got {value.GetRawText()}");
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(item => JsonNode.DeepEquals(item, node)))
        {
            violations.Add($"{at}: {value.GetRawText()} is not one of {allowed.ToJsonString()}");
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                CheckString(value.GetString()!, schema, at, violations);
                break;
            case JsonValueKind.Number:
                CheckNumber(value.GetDecimal(), schema, at, violations);
                break;
            case JsonValueKind.Array:
                CheckArray(value, schema, at, violations);
                break;
            case JsonValueKind.Object:
                CheckObject(value, schema, at, violations);
                break;
        }
    }

    private static void CheckString(string text, JsonObject schema, string at, List<string> violations)
    {
        var format = (string?)schema["format"];
        if (format == "date-time" && !DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            violations.Add($"{at}: '{text}' is not an RFC 3339 date-time");
        }

        if (format == "uuid" && !Guid.TryParseExact(text, "D", out _))
        {
            violations.Add($"{at}: '{text}' is not a UUID");
        }

        if ((string?)schema["pattern"] is { } pattern && !Regex.IsMatch(text, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            violations.Add($"{at}: '{text}' does not match {pattern}");
        }

        if ((int?)schema["minLength"] is { } min && text.Length < min)
        {
            violations.Add($"{at}: shorter than {min}");
        }

        if ((int?)schema["maxLength"] is { } max && text.Length > max)
        {
            violations.Add($"{at}: longer than {max}");
        }
    }

    private static void CheckNumber(decimal number, JsonObject schema, string at, List<string> violations)
    {
        if ((decimal?)schema["minimum"] is { } min && number < min)
        {
            violations.Add($"{at}: {number} is below {min}");
        }

        if ((decimal?)schema["maximum"] is { } max && number > max)
        {
            violations.Add($"{at}: {number} is above {max}");
        }
    }

    private void CheckArray(JsonElement value, JsonObject schema, string at, List<string> violations)
    {
        if ((int?)schema["minItems"] is { } min && value.GetArrayLength() < min)
        {
            violations.Add($"{at}: fewer than {min} items");
        }

        if (schema["items"] is { } items)
        {
            var itemSchema = Flatten(items);
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                Check(item, itemSchema, $"{at}[{index++}]", violations);
            }
        }
    }

    private void CheckObject(JsonElement value, JsonObject schema, string at, List<string> violations)
    {
        foreach (var name in schema["required"] as JsonArray ?? [])
        {
            if (!value.TryGetProperty((string)name!, out _))
            {
                violations.Add($"{at}: required property '{name}' is missing");
            }
        }

        var properties = schema["properties"] as JsonObject;
        var additional = schema["additionalProperties"];
        foreach (var property in value.EnumerateObject())
        {
            var propertyAt = $"{at}.{property.Name}";
            if (properties?[property.Name] is { } propertySchema)
            {
                Check(property.Value, Flatten(propertySchema), propertyAt, violations);
            }
            else if (additional is JsonObject additionalSchema)
            {
                Check(property.Value, Flatten(additionalSchema), propertyAt, violations);
            }
            else if (additional is JsonValue allowed ? !(bool)allowed : properties is not null)
            {
                violations.Add($"{propertyAt}: the property is not documented");
            }
        }
    }

    private JsonNode Resolve(string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            throw new NotSupportedException($"Only local references are supported: {reference}");
        }

        JsonNode? node = document;
        foreach (var segment in reference[2..].Split('/'))
        {
            node = node?[segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
        }

        return node ?? throw new KeyNotFoundException($"The reference {reference} leads nowhere.");
    }

    private static bool IsOfType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number) && decimal.Truncate(number) == number,
        _ => throw new NotSupportedException($"Unknown JSON Schema type '{type}'."),
    };

    private static string Describe(JsonElement value) => $"{value.ValueKind.ToString().ToLowerInvariant()} {Shorten(value.GetRawText())}";

    private static bool IsJson(string? mediaType) =>
        mediaType is not null && (mediaType == "application/json" || mediaType.EndsWith("+json", StringComparison.Ordinal));

    private static JsonElement? ParseOrNull(string text)
    {
        try
        {
            using var parsed = JsonDocument.Parse(text);
            return parsed.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    /// <summary>
    /// The public document composed by the Edge's own composer from the snapshots of the Edge's own document
    /// (<see cref="PublicApiSnapshot.EdgeFile"/>) and the services', and the Edge's routes.
    /// </summary>
    public static JsonObject Compose() => PublicApiComposer.Compose(LoadEdgeDocument(), PublicApiSources.ServiceSnapshots(), LoadEdgeRoutes());

    private static PublicApiContract Load() => new(Compose());

    private static JsonObject LoadEdgeDocument()
    {
        using var document = typeof(PublicApiContract).Assembly.GetManifestResourceStream(PublicApiSnapshot.EdgeFile)
            ?? throw new InvalidOperationException($"The embedded {PublicApiSnapshot.EdgeFile} is missing.");
        return JsonNode.Parse(document)!.AsObject();
    }

    /// <summary>The credentials the Edge admits on each route, as its checked-in configuration (<c>Gateway.Edge/appsettings.json</c>) says.</summary>
    private static PublicApiRoutes LoadEdgeRoutes()
    {
        using var settings = typeof(PublicApiContract).Assembly.GetManifestResourceStream("edge-appsettings.json")
            ?? throw new InvalidOperationException("The embedded edge-appsettings.json is missing.");
        return PublicApiRoutes.From(new ConfigurationBuilder().AddJsonStream(settings).Build());
    }
}

/// <summary>A response held against the document: its JSON body (when it has one) and every departure found.</summary>
public sealed record ContractCheck(JsonElement? Body, IReadOnlyList<string> Violations);
