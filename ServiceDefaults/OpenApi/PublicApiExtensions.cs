using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using AgentCore.Gateway.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.OpenApi;

namespace AgentCore.Gateway.ServiceDefaults.OpenApi;

/// <summary>
/// A service's own description of the public API it serves through the Edge. The Edge fetches it from
/// <see cref="DocumentPath"/>, rewrites it to its public routes and adds its own refusals; only endpoints marked with
/// <see cref="AsPublicApi{TBuilder}"/> are in it, so probes, pages and service-to-service endpoints stay out.
/// </summary>
public static class PublicApiExtensions
{
    public const string DocumentName = "public";
    public const string DocumentPath = "/openapi/" + DocumentName + ".json";
    private const string JsonMediaType = "application/json";

    public static IHostApplicationBuilder AddPublicApiDocument(this IHostApplicationBuilder builder)
    {
        var title = builder.Environment.ApplicationName;
        builder.Services.AddOpenApi(DocumentName, options =>
        {
            options.ShouldInclude = description => description.GroupName == DocumentName;
            options.AddDocumentTransformer((document, _, _) =>
            {
                // The Edge publishes the document under its own origin; the service's address is an internal detail.
                document.Servers = [];
                document.Info = new OpenApiInfo { Title = title, Version = "v1" };
                return Task.CompletedTask;
            });
            options.AddSchemaTransformer((schema, context, _) =>
            {
                // ASP.NET Core maps most validation attributes to keywords, but not [AllowedValues].
                if (context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(AllowedValuesAttribute), inherit: true) is [AllowedValuesAttribute allowed, ..])
                {
                    schema.Enum = [.. allowed.Values.OfType<string>().Select(value => (JsonNode)JsonValue.Create(value))];
                }

                return Task.CompletedTask;
            });
        });
        return builder;
    }

    public static WebApplication MapPublicApiDocument(this WebApplication app)
    {
        // MapOpenApi finds the document by the route's documentName; "public" is the only one a service has.
        app.MapOpenApi("/openapi/{documentName}.json");
        return app;
    }

    /// <summary>Puts the endpoints in the public document under <paramref name="tag"/>.</summary>
    public static TBuilder AsPublicApi<TBuilder>(this TBuilder builder, string tag)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithGroupName(DocumentName).WithTags(tag);

    /// <summary>Documents that the endpoints answer <paramref name="statusCodes"/> with the error envelope.</summary>
    public static TBuilder ProducesError<TBuilder>(this TBuilder builder, params int[] statusCodes)
        where TBuilder : IEndpointConventionBuilder
    {
        foreach (var statusCode in statusCodes)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(statusCode, typeof(ErrorEnvelope), [JsonMediaType]));
        }

        return builder;
    }
}
