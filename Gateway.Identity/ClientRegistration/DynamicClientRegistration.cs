using System.Text.Json;
using System.Text.Json.Serialization;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Identity.Auditing;
using AgentCore.Gateway.ServiceDefaults.Errors;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace AgentCore.Gateway.Identity.ClientRegistration;

/// <summary>
/// RFC 7591 dynamic client registration at <c>POST /connect/register</c>, only when <c>Identity:DynamicClientRegistration:Enabled</c>
/// (404 otherwise, and not advertised). A registration becomes a public PKCE client with explicit consent; its redirect
/// URIs must follow the MCP rules and name an allowed host, and its scopes are cut to the allowed ones.
/// </summary>
internal static class DynamicClientRegistration
{
    public const string Path = "/connect/register";

    private const int MaxBodyBytes = 8 * 1024;

    public static IEndpointRouteBuilder MapDynamicClientRegistration(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Path, RegisterAsync).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> RegisterAsync(
        HttpContext context, IOptions<DynamicClientRegistrationOptions> options, IOpenIddictApplicationManager applications, TimeProvider time, AuthAudit audit)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return ErrorResponses.Result(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "Dynamic client registration is not enabled.");
        }

        if (!context.Request.HasJsonContentType())
        {
            return ErrorResponses.Result(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "The registration request is JSON.");
        }

        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return ErrorResponses.Result(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, "The registration request is too large.");
        }

        RegistrationRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<RegistrationRequest>(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException)
        {
            return Refuse("invalid_client_metadata", "The registration request is not valid JSON.");
        }

        if (request?.RedirectUris is not { Count: > 0 } redirects || redirects.Count > settings.MaxRedirectUris)
        {
            return Refuse("invalid_redirect_uri", $"Register 1 to {settings.MaxRedirectUris} redirect URIs.");
        }

        var uris = new List<Uri>();
        foreach (var redirect in redirects)
        {
            if (!Uri.TryCreate(redirect, UriKind.Absolute, out var uri) || !PublicClients.IsAcceptableRedirect(uri)
                || !settings.RedirectHosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase))
            {
                return Refuse("invalid_redirect_uri", "A redirect URI is not HTTPS or loopback, or names a host registration does not allow.");
            }

            uris.Add(uri);
        }

        if (request.TokenEndpointAuthMethod is { } method && method != "none")
        {
            return Refuse("invalid_client_metadata", "Only public clients (token_endpoint_auth_method none) may register.");
        }

        if (request.GrantTypes?.Any(grant => grant is not ("authorization_code" or "refresh_token")) == true
            || request.ResponseTypes?.Any(type => type != "code") == true)
        {
            return Refuse("invalid_client_metadata", "Only the authorization code flow (with refresh tokens) may be registered.");
        }

        var requested = request.Scope?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [.. settings.GrantableScopes];
        var scopes = requested.Where(settings.GrantableScopes.Contains).ToList();
        var clientId = "dcr-" + Guid.NewGuid().ToString("N");
        var name = request.ClientName is { Length: > 0 } given ? given : clientId;
        await applications.CreateAsync(PublicClients.Describe(clientId, name, uris, scopes), context.RequestAborted);
        audit.Record(context, AuditEventTypes.ClientRegistered, AuditOutcomes.Success, new AuditActor(clientId, null, null));
        return TypedResults.Json(
            new RegistrationResponse(clientId, time.GetUtcNow().ToUnixTimeSeconds(), name, [.. uris.Select(uri => uri.AbsoluteUri)],
                ["authorization_code", "refresh_token"], ["code"], "none", string.Join(' ', scopes)),
            statusCode: StatusCodes.Status201Created);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<RegistrationError> Refuse(string error, string description) =>
        TypedResults.Json(new RegistrationError(error, description), statusCode: StatusCodes.Status400BadRequest);

    private sealed record RegistrationRequest(
        [property: JsonPropertyName("redirect_uris")] List<string>? RedirectUris,
        [property: JsonPropertyName("client_name")] string? ClientName,
        [property: JsonPropertyName("grant_types")] List<string>? GrantTypes,
        [property: JsonPropertyName("response_types")] List<string>? ResponseTypes,
        [property: JsonPropertyName("token_endpoint_auth_method")] string? TokenEndpointAuthMethod,
        [property: JsonPropertyName("scope")] string? Scope);

    private sealed record RegistrationResponse(
        [property: JsonPropertyName("client_id")] string ClientId,
        [property: JsonPropertyName("client_id_issued_at")] long ClientIdIssuedAt,
        [property: JsonPropertyName("client_name")] string ClientName,
        [property: JsonPropertyName("redirect_uris")] IReadOnlyList<string> RedirectUris,
        [property: JsonPropertyName("grant_types")] IReadOnlyList<string> GrantTypes,
        [property: JsonPropertyName("response_types")] IReadOnlyList<string> ResponseTypes,
        [property: JsonPropertyName("token_endpoint_auth_method")] string TokenEndpointAuthMethod,
        [property: JsonPropertyName("scope")] string Scope);

    private sealed record RegistrationError(
        [property: JsonPropertyName("error")] string Error,
        [property: JsonPropertyName("error_description")] string Description);
}
