using System.Security.Claims;
using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Realtime.Authentication;

/// <summary>What Realtime needs to know about an authenticated caller.</summary>
internal static class RealtimeCaller
{
    /// <summary>The caller's tenant; the <c>events.read</c> policy guarantees it is present.</summary>
    public static string TenantId(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(GatewayClaims.TenantId) ?? throw new InvalidOperationException("The events policy requires a tenant_id claim.");

    /// <summary>The caller's validated access token, which a connection must not outlive (expiry, revocation).</summary>
    public static GatewayIdentity AccessToken(this ClaimsPrincipal principal) =>
        principal.Identity as GatewayIdentity is { Token: not null } identity
            ? identity
            : throw new InvalidOperationException("Realtime authenticates only with access tokens.");
}
