using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using AgentCore.Gateway.Contracts;
using Microsoft.AspNetCore.Authorization;
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
    private const string BearerScheme = "bearer";

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
            options.AddOperationTransformer((operation, context, _) =>
            {
                // An endpoint that authorizes its caller itself validates the bearer token it was sent; the Edge keeps
                // API keys to itself, so bearer is the only scheme a service can demand.
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                // ApiExplorer keeps the status and type of ProducesResponseTypeMetadata but not its description.
                foreach (var produces in metadata.OfType<ProducesResponseTypeMetadata>().Where(produces => produces.Description is not null))
                {
                    if (operation.Responses?.GetValueOrDefault(produces.StatusCode.ToString(CultureInfo.InvariantCulture)) is OpenApiResponse response)
                    {
                        response.Description = produces.Description;
                    }
                }

                if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any() && context.Document is { } document)
                {
                    document.Components ??= new OpenApiComponents();
                    document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
                    document.Components.SecuritySchemes.TryAdd(BearerScheme, new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT" });
                    operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
                }

                return Task.CompletedTask;
            });
            options.AddSchemaTransformer((schema, context, _) =>
            {
                // ASP.NET Core maps most validation attributes to keywords, but not [AllowedValues]; on a list of
                // strings it names the values its items may take.
                if (context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(AllowedValuesAttribute), inherit: true) is [AllowedValuesAttribute allowed, ..])
                {
                    var values = allowed.Values.OfType<string>().Select(value => (JsonNode)JsonValue.Create(value)).ToList();
                    if (schema.Items is OpenApiSchema items)
                    {
                        items.Enum = values;
                    }
                    else
                    {
                        schema.Enum = values;
                    }
                }

                PublishNumbersAsNumbers(schema);
                if (context.JsonTypeInfo.Type == typeof(ErrorBody))
                {
                    DescribeErrorBody(schema);
                }

                return Task.CompletedTask;
            });
        });
        return builder;
    }

    /// <summary>
    /// The web defaults read numbers from JSON strings too (<see cref="JsonNumberHandling.AllowReadingFromString"/>), so
    /// the generated schema of a number says <c>["integer", "string"]</c> with a digits pattern. The services keep
    /// accepting such strings on the wire (clients may rely on it), but the published contract is the number: what
    /// the services write and what clients should send.
    /// </summary>
    private static void PublishNumbersAsNumbers(OpenApiSchema schema)
    {
        if (schema.Type is { } type && type.HasFlag(JsonSchemaType.String)
            && (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number)))
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
    }

    /// <summary>
    /// The envelope's schema is generated from the <see cref="ErrorEnvelope"/> record; what the record's types cannot
    /// say comes from the contracts too: the codes of <see cref="ErrorCodes"/>, and that the request id is a UUID.
    /// </summary>
    private static void DescribeErrorBody(OpenApiSchema schema)
    {
        if (schema.Properties?.TryGetValue("code", out var code) == true && code is OpenApiSchema codes)
        {
            codes.Examples = [.. typeof(ErrorCodes).GetFields().Where(field => field.IsLiteral).Select(field => (JsonNode)JsonValue.Create((string)field.GetRawConstantValue()!))];
        }

        if (schema.Properties?.TryGetValue("request_id", out var requestId) == true && requestId is OpenApiSchema uuid)
        {
            uuid.Format = "uuid";
        }
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

    /// <summary>Documents that the endpoints answer <paramref name="statusCode"/> with the error envelope, and when.</summary>
    public static TBuilder ProducesError<TBuilder>(this TBuilder builder, int statusCode, string description)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(statusCode, typeof(ErrorEnvelope), [JsonMediaType]) { Description = description });
}
