using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Authentication.AccessTokens;

/// <summary>The options of <see cref="AccessTokenAuthenticationHandler"/>.</summary>
public sealed class AccessTokenAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>
    /// The paths under which the token may come as the <c>access_token</c> query parameter, because browsers cannot
    /// set headers there (WebSocket and SignalR handshakes). Default: none.
    /// </summary>
    public IList<PathString> QueryTokenPaths { get; } = [];

    /// <summary>True when a request to <paramref name="path"/> may carry its token in the query.</summary>
    public bool AcceptsQueryToken(PathString path) => QueryTokenPaths.Any(path.StartsWithSegments);
}

/// <summary>
/// Bearer authentication for the services behind the Edge, with the Edge's own validator: the same rules, cache and
/// revocation check, and the same refusals (401 <c>AUTHENTICATION_FAILED</c> with <c>WWW-Authenticate</c>, 403
/// <c>AUTHORIZATION_DENIED</c>, 503 <c>SERVICE_UNAVAILABLE</c> when a token cannot be checked for want of Identity's
/// keys). The ticket expires with the token, so that SignalR can close connections on time.
/// </summary>
public sealed class AccessTokenAuthenticationHandler(
    IOptionsMonitor<AccessTokenAuthenticationOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    AccessTokenValidator tokens)
    : AuthenticationHandler<AccessTokenAuthenticationOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "Bearer";

    private BearerAuthentication authentication;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        authentication = await BearerAuthentication.AuthenticateAsync(tokens, Request, Options.AcceptsQueryToken(Request.Path), Context.RequestAborted)
            .ConfigureAwait(false);
        if (authentication.Identity is { } identity)
        {
            var properties = new AuthenticationProperties { ExpiresUtc = identity.Token?.ExpiresAt };
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), properties, SchemeName));
        }

        return authentication.HasCredential ? AuthenticateResult.Fail(authentication.Failure!) : AuthenticateResult.NoResult();
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => authentication.RefuseAsync(Context);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        AccessTokenResponses.ForbidAsync(Context);
}
