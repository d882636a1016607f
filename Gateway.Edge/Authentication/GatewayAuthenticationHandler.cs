using System.Security.Claims;
using System.Text.Encodings.Web;
using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace AgentCore.Gateway.Edge.Authentication;

/// <summary>
/// The Edge's one authentication scheme: a bearer access token or an <c>X-API-Key</c>, never both and never two of
/// either. A WebSocket upgrade or an event-stream request may carry the token as the <c>access_token</c> query
/// parameter instead (RFC 6750 section 2.3), because browsers cannot set headers on those. Failures answer 401
/// <c>AUTHENTICATION_FAILED</c> with <c>WWW-Authenticate</c>; refusals 403 <c>AUTHORIZATION_DENIED</c>.
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
    private const string BearerPrefix = "Bearer ";
    private const string AccessTokenParameter = "access_token";

    private string? failure;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var authorization = Request.Headers.Authorization;
        var apiKey = Request.Headers[ApiKeys.Header];
        var queryToken = AcceptsQueryToken() ? Request.Query[AccessTokenParameter] : StringValues.Empty;
        var bearerCount = CountBearer(authorization) + queryToken.Count;
        if (bearerCount + apiKey.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (bearerCount + apiKey.Count > 1)
        {
            return Fail("The request carries more than one credential.");
        }

        var validation = bearerCount == 1
            ? await tokens.ValidateAsync(queryToken.Count == 1 ? queryToken[0] ?? string.Empty : authorization[0]![BearerPrefix.Length..].Trim(), Context.RequestAborted).ConfigureAwait(false)
            : await apiKeys.AuthenticateAsync(apiKey[0] ?? string.Empty).ConfigureAwait(false);
        return validation.Identity is { } identity
            ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName))
            : Fail(validation.Error!);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var error = failure is null ? string.Empty : $", error=\"invalid_token\", error_description=\"{failure}\"";
        Response.Headers.WWWAuthenticate = $"Bearer realm=\"{GatewayTokens.Audience}\"{error}";
        return ErrorResponses.WriteAsync(
            Context,
            StatusCodes.Status401Unauthorized,
            ErrorCodes.AuthenticationFailed,
            failure ?? "A bearer access token or an API key is required.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ErrorResponses.WriteAsync(
            Context,
            StatusCodes.Status403Forbidden,
            ErrorCodes.AuthorizationDenied,
            "The caller's credentials do not grant access to this resource.",
            properties.Items.TryGetValue(RequiredScopesItem, out var scopes) && scopes is not null
                ? new Dictionary<string, object?> { ["required_scopes"] = scopes.Split(' ') }
                : null);

    /// <summary>The <see cref="AuthenticationProperties"/> item that names the scopes a refused request lacked.</summary>
    public const string RequiredScopesItem = "required_scopes";

    private AuthenticateResult Fail(string reason)
    {
        failure = reason;
        return AuthenticateResult.Fail(reason);
    }

    /// <summary>
    /// A WebSocket opening (an HTTP/1.1 upgrade, or an HTTP/2 extended CONNECT) or an event-stream GET. The Edge does
    /// not terminate WebSockets, so the headers are read directly rather than through the WebSockets middleware.
    /// </summary>
    private bool AcceptsQueryToken() =>
        (HttpMethods.IsGet(Request.Method)
            && (Request.Headers.Upgrade.Any(upgrade => string.Equals(upgrade, "websocket", StringComparison.OrdinalIgnoreCase))
                || Request.Headers.Accept.Any(accept => accept?.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase) == true)))
        || (HttpMethods.IsConnect(Request.Method)
            && string.Equals(Context.Features.Get<IHttpExtendedConnectFeature>()?.Protocol, "websocket", StringComparison.OrdinalIgnoreCase));

    /// <summary>Counts bearer credentials; a header with a comma-joined second value counts as two.</summary>
    private static int CountBearer(StringValues authorization)
    {
        var count = 0;
        foreach (var value in authorization)
        {
            if (value is null || !value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            count += value.Contains(',', StringComparison.Ordinal) ? 2 : 1;
        }

        return count;
    }
}
