using System.Security.Claims;
using System.Text.Json;
using AgentCore.Gateway.Identity.Users;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AgentCore.Gateway.Identity.Authorization;

/// <summary>
/// Decides who a token is for, once OpenIddict has validated the request (client authentication, grant and scope
/// permissions, PKCE, code and refresh-token redemption). It never parses OAuth itself.
/// </summary>
internal static class TokenEndpoint
{
    public static async Task<IResult> HandleAsync(
        HttpContext context,
        IOpenIddictApplicationManager applications,
        UserAuthenticator users,
        DelegatedTokens delegation)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict server request cannot be retrieved.");
        var cancellationToken = context.RequestAborted;

        if (request.IsClientCredentialsGrantType())
        {
            var application = await applications.FindByClientIdAsync(request.ClientId!, cancellationToken)
                ?? throw new InvalidOperationException("The authenticated client no longer exists.");
            var properties = await applications.GetPropertiesAsync(application, cancellationToken);
            var tenant = properties.TryGetValue(GatewayIdentities.TenantProperty, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
            var scopes = request.GetScopes();
            if (scopes.IsEmpty)
            {
                scopes = [.. (await applications.GetPermissionsAsync(application, cancellationToken))
                    .Where(permission => permission.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal))
                    .Select(permission => permission[Permissions.Prefixes.Scope.Length..])];
            }

            return SignIn(GatewayIdentities.ForClient(request.ClientId!, tenant, scopes, request.GetResources()));
        }

        if (request.IsPasswordGrantType())
        {
            var (result, user) = await users.AuthenticateAsync(
                request.Username ?? string.Empty, request.Password ?? string.Empty, context.Connection.RemoteIpAddress, cancellationToken);
            return result switch
            {
                LoginResult.Succeeded => SignIn(GatewayIdentities.ForUser(user!, request.GetScopes(), resources: request.GetResources())),
                LoginResult.DirectoryUnavailable => Refuse(Errors.TemporarilyUnavailable, "Sign-in through the user's directory is unavailable right now; try again later."),
                _ => Refuse(Errors.InvalidGrant, "The user name or password is incorrect."),
            };
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var redeemed = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var user = await users.FindActiveAsync(redeemed.Principal?.GetClaim(Claims.Subject), cancellationToken);
            if (user is null)
            {
                return Refuse(Errors.InvalidGrant, "The user is no longer allowed to sign in.");
            }

            var previous = new ClaimsIdentity(redeemed.Principal!.Claims, redeemed.Principal.Identity?.AuthenticationType, Claims.Name, Claims.Role);

            // RFC 8707 section 2.2: a token request may narrow the grant's resources; without one, the grant's stand.
            var requested = request.GetResources();
            var resources = requested.IsEmpty ? redeemed.Principal.GetResources() : requested;
            return SignIn(GatewayIdentities.ForUser(user, redeemed.Principal.GetScopes(), previous, resources));
        }

        if (request.IsTokenExchangeGrantType())
        {
            var exchanged = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var actor = exchanged.Properties?.GetParameter<ClaimsPrincipal>(OpenIddictServerAspNetCoreConstants.Properties.ActorTokenPrincipal);
            var (identity, error, description) = await delegation.ExchangeAsync(request, exchanged.Principal!, actor, cancellationToken);
            return identity is null ? Refuse(error!, description!) : SignIn(identity);
        }

        return Refuse(Errors.UnsupportedGrantType, "The grant type is not supported.");
    }

    private static IResult SignIn(ClaimsIdentity identity) =>
        Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);

    private static IResult Refuse(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
