using OpenIddict.Client;
using OpenIddict.Client.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AgentCore.Gateway.Identity.Federation;

internal static class FederationExtensions
{
    /// <summary>
    /// Sign-in through outside OpenID Connect providers with OpenIddict's client: the authorization code flow with
    /// PKCE, one callback URL per provider (against mix-up attacks), state tokens protected with the service's
    /// signing keys (see <c>SigningKeyRing</c>) and stored, so a replayed callback is refused.
    /// </summary>
    public static IHostApplicationBuilder AddFederation(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<FederationOptions>(FederationOptions.SectionName);
        var providers = builder.Configuration.GetSection(FederationOptions.SectionName).Get<FederationOptions>()?.OidcProviders ?? [];
        if (providers.Count == 0)
        {
            // OpenIddict's client refuses to start without a redirection endpoint, and there is nothing to sign in to.
            return builder;
        }

        var allowHttp = builder.Environment.IsDevelopment() || builder.Configuration.GetValue<bool>("Identity:AllowHttp");
        builder.Services.AddOpenIddict()
            .AddClient(client =>
            {
                client.AllowAuthorizationCodeFlow()
                    .SetRedirectionEndpointUris([.. providers.Keys.Select(name => FederationEndpoints.CallbackPath(name).TrimStart('/'))]);
                foreach (var (name, provider) in providers)
                {
                    client.AddRegistration(Registration(name, provider));
                }

                client.UseSystemNetHttp();
                var aspNetCore = client.UseAspNetCore()
                    .EnableRedirectionEndpointPassthrough()
                    .EnableErrorPassthrough()
                    .DisableAutomaticAuthenticationSchemeForwarding();
                if (allowHttp)
                {
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            });

        // The callback is a top-level GET navigation (query response mode), which Lax cookies survive; OpenIddict's
        // default (SameSite=None, always Secure) would lose the state cookie on the plain-http development Edge.
        builder.Services.Configure<OpenIddictClientAspNetCoreOptions>(options =>
        {
            options.CookieBuilder.SameSite = SameSiteMode.Lax;
            options.CookieBuilder.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return builder;
    }

    public static WebApplication MapFederation(this WebApplication app)
    {
        app.MapFederationEndpoints();
        return app;
    }

    private static OpenIddictClientRegistration Registration(string name, OidcProviderOptions provider)
    {
        var registration = new OpenIddictClientRegistration
        {
            Issuer = provider.Authority,
            ProviderName = name,
            ProviderDisplayName = provider.DisplayName ?? name,
            ClientId = provider.ClientId,
            ClientSecret = provider.ClientSecret,
            RedirectUri = new Uri(FederationEndpoints.CallbackPath(name).TrimStart('/'), UriKind.Relative),
        };
        foreach (var scope in provider.Scopes.Count > 0 ? provider.Scopes : [Scopes.OpenId, Scopes.Profile])
        {
            registration.Scopes.Add(scope);
        }

        return registration;
    }
}
