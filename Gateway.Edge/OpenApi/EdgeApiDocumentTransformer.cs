using System.Globalization;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Edge.Validation;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace AgentCore.Gateway.Edge.OpenApi;

/// <summary>
/// What only the Edge knows, added to the document ASP.NET Core generates from the Edge's own endpoints: the public
/// API's title, the security schemes (API keys exist only at the Edge; the OAuth scopes are <see cref="GatewayScopes"/>,
/// the token URL the path of the <c>identity-token</c> route), the refusals the Edge answers for any service (by
/// <see cref="PublicApiComposer.RefusalNames"/>, with the envelope's code for the status) and its request-id parameter.
/// </summary>
internal sealed class EdgeApiDocumentTransformer(IConfiguration configuration, IOptions<RequestValidationOptions> validation) : IOpenApiDocumentTransformer
{
    public const string Title = "AgentCore Gateway API";
    public const string TokenRoute = "identity-token";
    private const string Description = "The public API of AgentCore Gateway, served through the Edge. Every error uses the error envelope.";
    private const string RequestIdParameter = "RequestId";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var tokenPath = configuration[$"ReverseProxy:Routes:{TokenRoute}:Match:Path"]
            ?? throw new InvalidOperationException($"The route {TokenRoute} that serves the token endpoint is not configured.");
        document.Info = new OpenApiInfo { Title = Title, Version = "v1", Description = Description };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal)
        {
            [PublicApiRoutes.BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT",
                Description = $"An RS256 at+jwt access token from {tokenPath}.",
            },
            [PublicApiRoutes.ApiKeyScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = ApiKeys.Header,
                Description = $"A server-to-server API key ({ApiKeys.Prefix}…).",
            },
            [PublicApiRoutes.OAuthScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.OAuth2,
                Flows = new OpenApiOAuthFlows
                {
                    ClientCredentials = new OpenApiOAuthFlow
                    {
                        TokenUrl = new Uri(tokenPath, UriKind.Relative),
                        Scopes = new Dictionary<string, string>(GatewayScopes.Descriptions, StringComparer.Ordinal),
                    },
                },
            },
        };

        document.Components.Responses = PublicApiComposer.RefusalNames.ToDictionary(
            refusal => refusal.Value,
            refusal => (IOpenApiResponse)EnvelopeResponse(document, RefusalDescription(int.Parse(refusal.Key, CultureInfo.InvariantCulture))),
            StringComparer.Ordinal);
        var requestId = new OpenApiParameter
        {
            Name = GatewayHeaders.RequestId, In = ParameterLocation.Header, Required = false,
            Description = "Correlation id (UUID). A non-UUID value is refused with 400.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" },
        };
        document.Components.Parameters = new Dictionary<string, IOpenApiParameter>(StringComparer.Ordinal) { [RequestIdParameter] = requestId };
        foreach (var operation in document.Paths.Values.SelectMany(item => (IEnumerable<OpenApiOperation>?)item.Operations?.Values ?? []))
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(requestId);
        }

        return Task.CompletedTask;
    }

    private string RefusalDescription(int status) => (status switch
    {
        StatusCodes.Status400BadRequest => "X-Request-ID is not a UUID, or the request is malformed",
        StatusCodes.Status401Unauthorized => "Missing or invalid credentials",
        StatusCodes.Status403Forbidden => "A required scope is missing",
        StatusCodes.Status413PayloadTooLarge => $"Body larger than {validation.Value.MaxBodySize.ToString(CultureInfo.InvariantCulture)} bytes",
        StatusCodes.Status429TooManyRequests => "Rate limit exceeded; see Retry-After",
        StatusCodes.Status502BadGateway => "The backend could not be reached or answered badly",
        StatusCodes.Status503ServiceUnavailable => "The backend is unavailable; see Retry-After",
        StatusCodes.Status504GatewayTimeout => "The backend did not answer within the route's timeout",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "The Edge makes no such refusal."),
    }) + $" ({ErrorCodes.ForStatus(status)}).";

    private static OpenApiResponse EnvelopeResponse(OpenApiDocument document, string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
        {
            ["application/json"] = new() { Schema = new OpenApiSchemaReference(nameof(ErrorEnvelope), document) },
        },
    };
}
