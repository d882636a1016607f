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

    /// <summary>The claim of the delegation chain (RFC 8693 section 4.1).</summary>
    public const string ActorClaim = "act";

    public static ClaimsIdentity ForUser(UserAccount user, IEnumerable<string> scopes, ClaimsIdentity? previous = null, IReadOnlyCollection<string>? resources = null)
    {
        // A refreshed or redeemed identity keeps OpenIddict's private claims (authorization id, …) so rotation and
        // family revocation still work; the user's own claims are read afresh, as roles may have changed.
        var identity = previous ?? NewIdentity();
        identity.SetClaim(Claims.Subject, user.Id)
            .SetClaim(Claims.Name, user.UserName)
            .SetClaim(Claims.PreferredUsername, user.UserName)
            .SetClaim(GatewayClaims.TenantId, user.TenantId)
            .SetClaims(GatewayClaims.Roles, [.. user.Roles]);
        return Finish(identity, scopes, resources);
    }

    public static ClaimsIdentity ForClient(string clientId, string? tenantId, IEnumerable<string> scopes, IReadOnlyCollection<string>? resources = null)
    {
        var identity = NewIdentity();
        identity.SetClaim(Claims.Subject, clientId);
        if (!string.IsNullOrEmpty(tenantId))
        {
            identity.SetClaim(GatewayClaims.TenantId, tenantId);
        }

        return Finish(identity, scopes, resources);
    }

    private static ClaimsIdentity NewIdentity() =>
        new(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, GatewayClaims.Roles);

    /// <summary>
    /// The token's audience: the resources the client asked for (RFC 8707), else the gateway's API. A token for an MCP
    /// server is therefore never accepted by the API, nor the other way round.
    /// </summary>
    private static ClaimsIdentity Finish(ClaimsIdentity identity, IEnumerable<string> scopes, IReadOnlyCollection<string>? resources)
    {
        identity.SetScopes(scopes);
        identity.SetResources(resources is { Count: > 0 } ? resources : [GatewayTokens.Audience]);
        identity.SetDestinations(claim => Destinations(claim, identity));
        return identity;
    }

    private static IEnumerable<string> Destinations(Claim claim, ClaimsIdentity identity) => claim.Type switch
    {
        Claims.Subject => [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
        Claims.Name or Claims.PreferredUsername when identity.HasScope(Scopes.Profile) =>
            [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
        Claims.Name or Claims.PreferredUsername => [OpenIddictConstants.Destinations.AccessToken],
        ActorClaim => [OpenIddictConstants.Destinations.AccessToken],
        GatewayClaims.TenantId or GatewayClaims.Roles =>
            [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],

        // Security stamps and other internals never leave the server.
        _ => [],
    };
}
