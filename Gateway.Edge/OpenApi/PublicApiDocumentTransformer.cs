using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AgentCore.Gateway.Edge.OpenApi;

/// <summary>Merges the embedded hand-maintained document (<c>gateway-api.json</c>) into the generated one.</summary>
internal sealed class PublicApiDocumentTransformer : IOpenApiDocumentTransformer
{
    private static readonly Lazy<OpenApiDocument> PublicApi = new(Load);

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var source = PublicApi.Value;
        document.Info = source.Info;
        // The document's tags are the public API's: the Edge's own generated endpoints must not add a group of their own.
        document.Tags = source.Tags;
        document.Paths ??= [];
        foreach (var (path, item) in source.Paths)
        {
            document.Paths[path] = item;
        }

        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        foreach (var (name, schema) in source.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>())
        {
            document.Components.Schemas[name] = schema;
        }

        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        foreach (var (name, scheme) in source.Components?.SecuritySchemes ?? new Dictionary<string, IOpenApiSecurityScheme>())
        {
            document.Components.SecuritySchemes[name] = scheme;
        }

        return Task.CompletedTask;
    }

    private static OpenApiDocument Load()
    {
        using var stream = typeof(PublicApiDocumentTransformer).Assembly.GetManifestResourceStream("gateway-api.json")
            ?? throw new InvalidOperationException("The embedded gateway-api.json is missing.");
        using var reader = new StreamReader(stream);
        var result = OpenApiDocument.Parse(reader.ReadToEnd(), "json");
        return result.Document ?? throw new InvalidOperationException("gateway-api.json is not a valid OpenAPI document.");
    }
}
