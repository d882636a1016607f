using System.Globalization;
using System.Text.Json.Nodes;
using AgentCore.Gateway.ServiceDefaults.OpenApi;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using OpenIddict.Server;

namespace AgentCore.Gateway.Identity.TokenApi;

/// <summary>
/// The public description of <c>POST /api/v1/auth/token</c>. OpenIddict handles the request, so the endpoint's shape
/// is declared: a form or JSON body of <see cref="TokenRequest"/>, a <see cref="TokenResponse"/>, and the OAuth errors
/// in the error envelope. The grant types offered are read from OpenIddict's own options, the set it enforces.
/// </summary>
internal static class TokenApiDocumentation
{
    private const string Description =
        "OAuth 2.1 token endpoint: client_credentials, password (only for clients allowed it), authorization_code with PKCE (S256), " +
        "refresh_token (rotating; a reused refresh token revokes the whole grant) and token exchange (RFC 8693, for the clients and " +
        "resources Identity:TokenExchange allows). The client authenticates with client_id/client_secret in the body or with HTTP Basic. " +
        "The body is form-encoded or a JSON object of the same parameters (string values; numbers and booleans are taken as text; an " +
        "array of strings becomes a space-separated list). OAuth errors come in the error envelope, with the OAuth error code in " +
        "details.error and details.error_description. Bodies over 16 KiB are refused. Responses are never cached. /connect/token takes " +
        "the same form body and answers OAuth's own JSON errors.";

    public static RouteHandlerBuilder DescribedAsTokenApi(this RouteHandlerBuilder endpoint) => endpoint
        .WithName("IssueToken")
        .WithSummary("Issue an access token")
        .WithDescription(Description)
        .Accepts<TokenRequest>("application/x-www-form-urlencoded", "application/json")
        .Produces<TokenResponse>()
        .AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Responses?[StatusCodes.Status200OK.ToString(CultureInfo.InvariantCulture)].Description = "Token issued.";
            return Task.CompletedTask;
        })
        .ProducesError(StatusCodes.Status400BadRequest,
            "Invalid request (INVALID_REQUEST): a missing or unsupported parameter, grant type or scope, a body that is neither a form nor a JSON " +
            "object of strings. details.error holds the OAuth error (invalid_request, unsupported_grant_type, invalid_scope, invalid_target, ...).")
        .ProducesError(StatusCodes.Status401Unauthorized,
            "Authentication failed (AUTHENTICATION_FAILED): invalid_client, invalid_grant (wrong user name or password, locked account, bad code, " +
            "verifier, refresh or subject token) or unauthorized_client (a grant the client is not allowed, such as password), in details.error.")
        .ProducesError(StatusCodes.Status413PayloadTooLarge, "The body is larger than 16 KiB (PAYLOAD_TOO_LARGE).")
        .ProducesError(StatusCodes.Status429TooManyRequests, "Too many token requests from this client id or source address (RATE_LIMIT_EXCEEDED); see Retry-After.")
        .AsPublicApi("auth");

    /// <summary>
    /// The grant types <see cref="TokenRequest"/> offers are exactly those OpenIddict allows. Members of the request and
    /// the answer that may be missing are left out, never null: a form has no null, and OpenIddict writes no null.
    /// </summary>
    public static Task DescribeAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if ((type != typeof(TokenRequest) && type != typeof(TokenResponse)) || schema.Properties is not { } properties)
        {
            return Task.CompletedTask;
        }

        foreach (var property in properties.Values.OfType<OpenApiSchema>())
        {
            property.Type &= ~JsonSchemaType.Null;
        }

        if (type == typeof(TokenRequest) && properties["grant_type"] is OpenApiSchema grantType)
        {
            var grants = context.ApplicationServices.GetRequiredService<IOptions<OpenIddictServerOptions>>().Value.GrantTypes;
            grantType.Enum = [.. grants.Order(StringComparer.Ordinal).Select(grant => (JsonNode)JsonValue.Create(grant))];
        }

        return Task.CompletedTask;
    }
}
