using System.Security.Claims;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Identity.Auditing;
using AgentCore.Gateway.Identity.Login;
using AgentCore.Gateway.Identity.TokenApi;
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
        endpoints.MapPost(ApiTokenPath, (Delegate)TokenEndpoint.HandleAsync).DisableAntiforgery().DescribedAsTokenApi();
        endpoints.MapMethods(AuthorizePath, [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync).DisableAntiforgery();
        endpoints.MapMethods(UserinfoPath, [HttpMethods.Get, HttpMethods.Post], UserinfoAsync).DisableAntiforgery();
        endpoints.MapMethods(LogoutPath, [HttpMethods.Get, HttpMethods.Post], (Delegate)LogoutAsync).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> AuthorizeAsync(
        HttpContext context, UserAuthenticator users, IOpenIddictApplicationManager applications, IOpenIddictAuthorizationManager authorizations, AuthAudit audit)
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

        // OpenIddict has already checked the client's scope and resource permissions. First-party clients have implicit
        // consent; the others (MCP clients) ask the user once, and the answer is remembered.
        var identity = GatewayIdentities.ForUser(user, request.GetScopes(), resources: request.GetResources());
        var application = await applications.FindByClientIdAsync(request.ClientId!, context.RequestAborted)
            ?? throw new InvalidOperationException("The client no longer exists.");
        if (await applications.HasConsentTypeAsync(application, ConsentTypes.Explicit, context.RequestAborted))
        {
            var clientKey = await applications.GetIdAsync(application, context.RequestAborted);
            var granted = await FirstAsync(authorizations.FindAsync(user.Id, clientKey, Statuses.Valid, AuthorizationTypes.Permanent, request.GetScopes(), context.RequestAborted));
            if (granted is null)
            {
                switch (await ConsentPage.ReadAnswerAsync(context))
                {
                    case ConsentPage.Answer.Accepted:
                        granted = await authorizations.CreateAsync(
                            new ClaimsPrincipal(identity), user.Id, clientKey!, AuthorizationTypes.Permanent, request.GetScopes(), context.RequestAborted);
                        audit.Record(context, AuditEventTypes.ConsentGranted, AuditOutcomes.Success, new AuditActor(request.ClientId, user.Id, user.TenantId));
                        break;
                    case ConsentPage.Answer.None when !request.HasPromptValue(PromptValues.None):
                        return ConsentPage.Render(context, request, await applications.GetDisplayNameAsync(application, context.RequestAborted) ?? request.ClientId!, user);
                    default:
                        return Results.Forbid(
                            new AuthenticationProperties(new Dictionary<string, string?>
                            {
                                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.AccessDenied,
                                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The user did not allow the client.",
                            }),
                            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
                }
            }

            identity.SetAuthorizationId(await authorizations.GetIdAsync(granted, context.RequestAborted));
        }

        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<object?> FirstAsync(IAsyncEnumerable<object> items)
    {
        await foreach (var item in items)
        {
            return item;
        }

        return null;
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
