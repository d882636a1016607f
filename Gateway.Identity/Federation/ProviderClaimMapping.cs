using System.Security.Claims;
using AgentCore.Gateway.Identity.Users;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AgentCore.Gateway.Identity.Federation;

/// <summary>
/// Turns the claims an outside provider asserted into the gateway's tenant and roles. Nothing passes through
/// unmapped: a provider can grant only the roles and tenants its configuration lists.
/// </summary>
internal static class ProviderClaimMapping
{
    public const string ProviderKindPrefix = "oidc:";

    public static ProviderMappingResult Map(string providerName, OidcProviderOptions provider, ClaimsPrincipal principal)
    {
        var subject = principal.FindFirst(Claims.Subject)?.Value ?? principal.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        if (string.IsNullOrEmpty(subject))
        {
            return new ProviderMappingResult(null, "The provider did not say who signed in (no subject claim).");
        }

        var tenant = provider.TenantId!;
        if (provider.TenantClaim is { } tenantClaim)
        {
            var value = principal.FindFirst(tenantClaim)?.Value;
            if (value is null || !provider.TenantMap.TryGetValue(value, out var mapped))
            {
                return new ProviderMappingResult(null, $"The provider's '{tenantClaim}' claim does not name a tenant this gateway accepts from it.");
            }

            tenant = mapped;
        }

        var roles = principal.FindAll(provider.RoleClaim)
            .SelectMany(claim => provider.RoleMap.TryGetValue(claim.Value, out var granted) ? granted : [])
            .Concat(provider.DefaultRoles)
            .Distinct(StringComparer.Ordinal)
            .ToList();

        var name = principal.FindFirst(Claims.PreferredUsername)?.Value
            ?? principal.FindFirst(Claims.Email)?.Value
            ?? principal.FindFirst(Claims.Name)?.Value
            ?? subject;

        return new ProviderMappingResult(new ExternalIdentity(ProviderKindPrefix + providerName, subject, name, tenant, roles), null);
    }
}
