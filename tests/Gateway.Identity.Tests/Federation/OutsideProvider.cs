using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AgentCore.Gateway.Identity.Tests.Federation;

/// <summary>
/// A second Identity instance playing an outside OpenID Connect provider, set up the same way wherever a test federates
/// the gateway's Identity to it: the provider's side (<see cref="RegisterGatewayAsync"/>) and the gateway's
/// (<see cref="GatewaySettings"/>).
/// </summary>
public static class OutsideProvider
{
    /// <summary>What the provider's administrator does: register the gateway as a confidential client, its callback at <paramref name="gateway"/>.</summary>
    public static async Task RegisterGatewayAsync(
        IdentityService provider, string providerName, string clientId, string clientSecret, Uri gateway, CancellationToken cancellationToken)
    {
        await using var scope = provider.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = clientSecret,
            ClientType = ClientTypes.Confidential,

            // The provider trusts the gateway as its own first-party client; OpenIddict's default (explicit) would ask
            // the user's consent at the provider, which the tests do not play.
            ConsentType = ConsentTypes.Implicit,
            RedirectUris = { new Uri(gateway, $"connect/federation/{providerName}/callback") },
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        }, cancellationToken);
    }

    /// <summary>The gateway Identity's settings (<c>Identity:Federation:OidcProviders:{name}</c>) for the provider at <paramref name="authority"/>.</summary>
    public static Dictionary<string, string?> GatewaySettings(
        string providerName, Uri authority, string clientId, string clientSecret, string tenantId, string? displayName = null)
    {
        var prefix = $"Identity:Federation:OidcProviders:{providerName}:";
        var settings = new Dictionary<string, string?>
        {
            [prefix + "Authority"] = authority.ToString(),
            [prefix + "ClientId"] = clientId,
            [prefix + "ClientSecret"] = clientSecret,
            [prefix + "TenantId"] = tenantId,
        };
        if (displayName is not null)
        {
            settings[prefix + "DisplayName"] = displayName;
        }

        return settings;
    }
}
