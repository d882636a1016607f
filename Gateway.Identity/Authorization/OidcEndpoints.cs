using System.Security.Claims;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Identity.Users;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AgentCore.Gateway.Identity.Authorization;

/// <summary>
/// The parts of the OpenID Connect surface that need the application's decision: who signs in at the authorization
/// endpoint, what userinfo returns, and what logout clears. OpenIddict answers discovery, JWKS, introspection and
/// revocation entirely by itself.
/// </summary>
internal static class OidcEndpoints
{
    public const string TokenPath = "/connect/token";
    public const string ApiTokenPath = "/api/v1/auth/token";
    public const string AuthorizePath = "/connect/authorize";
    public const string LogoutPath = "/connect/logout";
    public const string UserinfoPath = "/connect/userinfo";

    public static IEndpointRouteBuilder MapOidcEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(TokenPath, (Delegate)TokenEndpoint.HandleAsync).DisableAntiforgery();
        endpoints.MapPost(ApiTokenPath, (Delegate)TokenEndpoint.HandleAsync).DisableAntiforgery();
        endpoints.MapMethods(AuthorizePath, [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync).DisableAntiforgery();
        endpoints.MapMethods(UserinfoPath, [HttpMethods.Get, HttpMethods.Post], UserinfoAsync).DisableAntiforgery();
        endpoints.MapMethods(LogoutPath, [HttpMethods.Get, HttpMethods.Post], (Delegate)LogoutAsync).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext context, UserAuthenticator users)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict server request cannot be retrieved.");

        var session = await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        var user = session.Succeeded ? await users.FindActiveAsync(session.Principal.FindFirst(GatewayClaims.Subject)?.Value, context.RequestAborted) : null;
        if (user is null)
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Results.Forbid(
                    new AuthenticationProperties(new Dictionary<string, string?>
                    {
                        [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.LoginRequired,
                        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The user is not signed in.",
                    }),
                    [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
            }

            return Results.Challenge(
                new AuthenticationProperties { RedirectUri = context.Request.PathBase + context.Request.Path + QueryString.Create(ParametersOf(context.Request)) },
                [CookieAuthenticationDefaults.AuthenticationScheme]);
        }

        // First-party clients only: consent is implicit, and OpenIddict has already checked the client's scope permissions.
        var identity = GatewayIdentities.ForUser(user, request.GetScopes());
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> UserinfoAsync(HttpContext context, UserAuthenticator users)
    {
        var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var user = await users.FindActiveAsync(result.Principal?.GetClaim(Claims.Subject), context.RequestAborted);
        if (user is null)
        {
            return Results.Challenge(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The token's user no longer exists.",
                }),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [Claims.Subject] = user.Id,
            [GatewayClaims.TenantId] = user.TenantId,
            [GatewayClaims.Roles] = user.Roles,
        };
        if (OpenIddict.Abstractions.OpenIddictExtensions.HasScope(result.Principal!, Scopes.Profile))
        {
            claims[Claims.Name] = user.UserName;
            claims[Claims.PreferredUsername] = user.UserName;
        }

        return Results.Ok(claims);
    }

    private static async Task<IResult> LogoutAsync(HttpContext context)
    {
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Results.SignOut(
            new AuthenticationProperties { RedirectUri = "/" },
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static IEnumerable<KeyValuePair<string, string?>> ParametersOf(HttpRequest request) =>
        (request.HasFormContentType ? request.Form.AsEnumerable() : request.Query.AsEnumerable())
            .SelectMany(parameter => parameter.Value.Select(value => new KeyValuePair<string, string?>(parameter.Key, value)));
}
