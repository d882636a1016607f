using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Identity.Federation;

/// <summary>One outside OpenID Connect provider, signed in to with the authorization code flow and PKCE.</summary>
internal sealed class OidcProviderOptions : IValidatableObject
{
    /// <summary>The label of the login page's "Sign in with …" button. Default: the provider's name.</summary>
    public string? DisplayName { get; set; }

    /// <summary>The provider's issuer; its discovery document must name exactly this issuer. Required.</summary>
    [Required]
    public Uri? Authority { get; set; }

    /// <summary>The client id this gateway is registered with at the provider. Required.</summary>
    [Required]
    public string? ClientId { get; set; }

    /// <summary>The client secret, from configuration or a secret store only. Default: none (a public client, PKCE alone).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Scopes requested from the provider. Default: <c>openid</c> and <c>profile</c>.</summary>
    public List<string> Scopes { get; init; } = [];

    /// <summary>The gateway tenant whose users sign in through this provider. Required.</summary>
    [Required]
    public string? TenantId { get; set; }

    /// <summary>
    /// A provider claim that chooses the tenant through <see cref="TenantMap"/>, for a provider shared by several
    /// tenants. Default: none, every user belongs to <see cref="TenantId"/>.
    /// </summary>
    public string? TenantClaim { get; set; }

    /// <summary>Values of <see cref="TenantClaim"/> and the tenant each maps to; any other value is refused. Default: empty.</summary>
    public Dictionary<string, string> TenantMap { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The provider claim that carries the user's groups or roles. Default: <c>roles</c>.</summary>
    [Required]
    public string RoleClaim { get; set; } = "roles";

    /// <summary>Provider roles and the gateway roles each grants; unmapped provider roles grant nothing. Default: empty.</summary>
    public Dictionary<string, List<string>> RoleMap { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Gateway roles every user of this provider gets. Default: none.</summary>
    public List<string> DefaultRoles { get; init; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Authority is { IsAbsoluteUri: false })
        {
            yield return new ValidationResult("Authority must be an absolute URI.", [nameof(Authority)]);
        }

        if (TenantClaim is not null && TenantMap.Count == 0)
        {
            yield return new ValidationResult("TenantClaim needs a TenantMap: an unmapped claim value must never choose a tenant.", [nameof(TenantMap)]);
        }
    }
}
