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

    private string? failure;
    private TimeSpan? unavailableFor;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var credentials = BearerCredentials.Read(Request, Options.QueryTokenPaths.Any(path => Request.Path.StartsWithSegments(path)));
        if (credentials.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (credentials.Count > 1)
        {
            return Fail("The request carries more than one credential.");
        }

        var validation = await tokens.ValidateAsync(credentials.Token!, Context.RequestAborted).ConfigureAwait(false);
        if (validation.Identity is not { } identity)
        {
            unavailableFor = validation.RetryAfter;
            return Fail(validation.Error!);
        }

        var properties = new AuthenticationProperties { ExpiresUtc = identity.Token?.ExpiresAt };
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), properties, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => unavailableFor is { } retryAfter
        ? AccessTokenResponses.UnavailableAsync(Context, failure!, retryAfter)
        : AccessTokenResponses.ChallengeAsync(Context, failure, "A valid bearer access token is required.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        AccessTokenResponses.ForbidAsync(Context);

    private AuthenticateResult Fail(string reason)
    {
        failure = reason;
        return AuthenticateResult.Fail(reason);
    }
}
