using System.Security.Claims;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Identity.Users;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AgentCore.Gateway.Identity.Authorization;

/// <summary>
/// Builds the identities the token service signs: RFC 9068 claims for the gateway's audience, plus tenant and roles.
/// OpenIddict itself adds <c>iss</c>, <c>exp</c>, <c>iat</c>, <c>jti</c>, <c>client_id</c> and <c>scope</c>.
/// </summary>
internal static class GatewayIdentities
{
    /// <summary>The client application property that binds a confidential client to a tenant.</summary>
    public const string TenantProperty = "tenant_id";

    public static ClaimsIdentity ForUser(UserAccount user, IEnumerable<string> scopes, ClaimsIdentity? previous = null)
    {
        // A refreshed or redeemed identity keeps OpenIddict's private claims (authorization id, …) so rotation and
        // family revocation still work; the user's own claims are read afresh, as roles may have changed.
        var identity = previous ?? NewIdentity();
        identity.SetClaim(Claims.Subject, user.Id)
            .SetClaim(Claims.Name, user.UserName)
            .SetClaim(Claims.PreferredUsername, user.UserName)
            .SetClaim(GatewayClaims.TenantId, user.TenantId)
            .SetClaims(GatewayClaims.Roles, [.. user.Roles]);
        return Finish(identity, scopes);
    }

    public static ClaimsIdentity ForClient(string clientId, string? tenantId, IEnumerable<string> scopes)
    {
        var identity = NewIdentity();
        identity.SetClaim(Claims.Subject, clientId);
        if (!string.IsNullOrEmpty(tenantId))
        {
            identity.SetClaim(GatewayClaims.TenantId, tenantId);
        }

        return Finish(identity, scopes);
    }

    private static ClaimsIdentity NewIdentity() =>
        new(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, GatewayClaims.Roles);

    private static ClaimsIdentity Finish(ClaimsIdentity identity, IEnumerable<string> scopes)
    {
        identity.SetScopes(scopes);
        identity.SetResources(GatewayTokens.Audience);
        identity.SetDestinations(claim => Destinations(claim, identity));
        return identity;
    }

    private static IEnumerable<string> Destinations(Claim claim, ClaimsIdentity identity) => claim.Type switch
    {
        Claims.Subject => [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
        Claims.Name or Claims.PreferredUsername when identity.HasScope(Scopes.Profile) =>
            [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
        Claims.Name or Claims.PreferredUsername => [OpenIddictConstants.Destinations.AccessToken],
        GatewayClaims.TenantId or GatewayClaims.Roles =>
            [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],

        // Security stamps and other internals never leave the server.
        _ => [],
    };
}
