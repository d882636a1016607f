using System.Globalization;
using System.Security.Claims;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Realtime.Authentication;

/// <summary>What Realtime needs to know about an authenticated caller.</summary>
internal static class RealtimeCaller
{
    /// <summary>The caller's tenant; the <c>events.read</c> policy guarantees it is present.</summary>
    public static string TenantId(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(GatewayClaims.TenantId) ?? throw new InvalidOperationException("The events policy requires a tenant_id claim.");

    /// <summary>When the access token expires (<c>exp</c>), after which the connection must not live on.</summary>
    public static DateTimeOffset TokenExpiresAt(this ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirstValue("exp"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : throw new InvalidOperationException("Access tokens are validated with a required expiry.");
}
