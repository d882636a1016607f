using System.Security.Claims;
using System.Text.Encodings.Web;
using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Contracts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Model;

namespace AgentCore.Gateway.Edge.Authentication;

/// <summary>
/// The Edge's one authentication scheme: a bearer access token or an <c>X-API-Key</c>, never both and never two of
/// either. On routes marked with <see cref="QueryTokenMetadataKey"/> (the WebSocket and event-stream routes) the token
/// may come as the <c>access_token</c> query parameter instead (RFC 6750 section 2.3), because browsers cannot set
/// headers there; it then travels on to the backend as an <c>Authorization</c> header, out of the URL. Failures answer
/// 401 <c>AUTHENTICATION_FAILED</c> with <c>WWW-Authenticate</c>; refusals 403 <c>AUTHORIZATION_DENIED</c>.
/// </summary>
internal sealed class GatewayAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    AccessTokenValidator tokens,
    ApiKeyStore apiKeys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "Gateway";

    /// <summary>The YARP route metadata key (value <c>true</c>) of routes that accept the token in the query.</summary>
    public const string QueryTokenMetadataKey = "Edge.QueryToken";

    /// <summary>The <see cref="AuthenticationProperties"/> item that names the scopes a refused request lacked.</summary>
    public const string RequiredScopesItem = "required_scopes";

    private string? failure;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var bearer = BearerCredentials.Read(Request, AcceptsQueryToken());
        var apiKey = Request.Headers[ApiKeys.Header];
        if (bearer.Count + apiKey.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (bearer.Count + apiKey.Count > 1)
        {
            return Fail("The request carries more than one credential.");
        }

        var validation = bearer.Count == 1
            ? await tokens.ValidateAsync(bearer.Token!, Context.RequestAborted).ConfigureAwait(false)
            : await apiKeys.AuthenticateAsync(apiKey[0] ?? string.Empty).ConfigureAwait(false);
        if (validation.Identity is not { } identity)
        {
            return Fail(validation.Error!);
        }

        if (bearer.FromQuery)
        {
            Context.Features.Set(new QueryAccessToken(bearer.Token!));
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        AccessTokenResponses.ChallengeAsync(Context, failure, "A bearer access token or an API key is required.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        AccessTokenResponses.ForbidAsync(Context, properties.Items.TryGetValue(RequiredScopesItem, out var scopes) ? scopes : null);

    private AuthenticateResult Fail(string reason)
    {
        failure = reason;
        return AuthenticateResult.Fail(reason);
    }

    /// <summary>Decided by the route the request matched, never by what the request says about itself.</summary>
    private bool AcceptsQueryToken() =>
        Context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.Metadata is { } metadata
        && metadata.TryGetValue(QueryTokenMetadataKey, out var value)
        && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The access token a request carried in its query, which the Edge forwards as a header instead.</summary>
internal sealed record QueryAccessToken(string Token);
