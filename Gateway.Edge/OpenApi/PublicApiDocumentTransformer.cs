using System.Text.Json.Nodes;
using AgentCore.Gateway.ServiceDefaults.OpenApi;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AgentCore.Gateway.Edge.OpenApi;

/// <summary>
/// Puts the composed public API (<see cref="ServiceApiDocuments.Composed"/>) into the document ASP.NET Core generates
/// for the Edge, composing the services' documents with the Edge's own, generated from its endpoints
/// (<see cref="PublicApiExtensions.DocumentName"/>).
/// </summary>
internal sealed class PublicApiDocumentTransformer(
    ServiceApiDocuments services,
    [FromKeyedServices(PublicApiExtensions.DocumentName)] IOpenApiDocumentProvider edge) : IOpenApiDocumentTransformer
{
    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var own = await edge.GetOpenApiDocumentAsync(cancellationToken);
        var source = services.Composed(JsonNode.Parse(await own.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, cancellationToken))!.AsObject());
        document.Info = source.Info;
        // The tags are the composition's: the Edge's own and every service's, each declared once.
        document.Tags = source.Tags;
        document.Paths ??= [];
        foreach (var (path, item) in source.Paths)
        {
            document.Paths[path] = item;
        }

        document.Components ??= new OpenApiComponents();
        document.Components.Schemas = Merge(document.Components.Schemas, source.Components?.Schemas);
        document.Components.Responses = Merge(document.Components.Responses, source.Components?.Responses);
        document.Components.Parameters = Merge(document.Components.Parameters, source.Components?.Parameters);
        document.Components.SecuritySchemes = Merge(document.Components.SecuritySchemes, source.Components?.SecuritySchemes);
    }

    private static Dictionary<string, T> Merge<T>(IDictionary<string, T>? generated, IDictionary<string, T>? composed)
    {
        var merged = new Dictionary<string, T>(generated ?? new Dictionary<string, T>(), StringComparer.Ordinal);
        foreach (var (name, item) in composed ?? new Dictionary<string, T>())
        {
            merged[name] = item;
        }

        return merged;
    }
}
