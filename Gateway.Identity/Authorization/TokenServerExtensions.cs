using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Identity.Auditing;
using AgentCore.Gateway.Identity.ClientRegistration;
using AgentCore.Gateway.Identity.Login;
using AgentCore.Gateway.Identity.Storage;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AgentCore.Gateway.Identity.Authorization;

internal static class TokenServerExtensions
{
    /// <summary>The policy of the admin API: an access token from this server carrying <c>gateway.admin</c>.</summary>
    public const string GatewayAdminPolicy = "gateway.admin";

    /// <summary>Every scope the server knows; a request for any other is refused with <c>invalid_scope</c>.</summary>
    public static readonly string[] Scopes =
    [
        OpenIddict.Abstractions.OpenIddictConstants.Scopes.OpenId,
        OpenIddict.Abstractions.OpenIddictConstants.Scopes.Profile,
        OpenIddict.Abstractions.OpenIddictConstants.Scopes.OfflineAccess,
        .. GatewayScopes.Descriptions.Keys,
    ];

    /// <summary>
    /// The OpenIddict server (OAuth 2.1 and OpenID Connect, PKCE S256 only, rolling refresh tokens with reuse
    /// detection), its local token validation for this service's own APIs, and the login session cookie.
    /// </summary>
    public static IHostApplicationBuilder AddTokenServer(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<TokenLifetimeOptions>(TokenLifetimeOptions.SectionName)
            .PostConfigure<IConfiguration>((options, configuration) =>
            {
                if (double.TryParse(configuration[TokenLifetimeOptions.ExpirationHoursKey], System.Globalization.CultureInfo.InvariantCulture, out var hours))
                {
                    options.AccessTokenLifetime = TimeSpan.FromHours(hours);
                }
            });
        builder.Services.AddOptions<OpenIddictServerOptions>()
            .Configure<IOptions<TokenLifetimeOptions>>((server, lifetimes) =>
            {
                server.AccessTokenLifetime = lifetimes.Value.AccessTokenLifetime;
                server.RefreshTokenLifetime = lifetimes.Value.RefreshTokenLifetime;
                server.AuthorizationCodeLifetime = lifetimes.Value.AuthorizationCodeLifetime;
            });

        var issuer = builder.Configuration[GatewayTokens.IssuerConfigurationKey]
            ?? throw new InvalidOperationException($"The token issuer is not configured ({GatewayTokens.IssuerConfigurationKey}).");

        builder.AddValidatedOptions<TokenExchangeOptions>(TokenExchangeOptions.SectionName);
        var resources = ProtectedResources.From(builder.Configuration, issuer);
        builder.Services.AddSingleton(resources);
        builder.Services.AddSingleton<ClientSecretVerifications>();
        builder.Services.AddScoped<DelegatedTokens>();
        builder.Services.AddOpenIddict()
            .AddCore(core =>
            {
                core.UseEntityFrameworkCore().UseDbContext<IdentityStoreDbContext>();
                core.ReplaceApplicationManager<OpenIddictEntityFrameworkCoreApplication, LoopbackRedirectApplicationManager>();
            })
            .AddServer(server =>
            {
                server.SetIssuer(new Uri(issuer, UriKind.Absolute))
                    .SetTokenEndpointUris(OidcEndpoints.TokenPath.TrimStart('/'), OidcEndpoints.ApiTokenPath.TrimStart('/'))
                    .SetAuthorizationEndpointUris(OidcEndpoints.AuthorizePath.TrimStart('/'))
                    .SetEndSessionEndpointUris(OidcEndpoints.LogoutPath.TrimStart('/'))
                    .SetUserInfoEndpointUris(OidcEndpoints.UserinfoPath.TrimStart('/'))
                    .SetIntrospectionEndpointUris("connect/introspect")
                    .SetRevocationEndpointUris("connect/revoke")
                    .SetJsonWebKeySetEndpointUris(".well-known/jwks")
                    .SetConfigurationEndpointUris(".well-known/openid-configuration", ".well-known/oauth-authorization-server");

                server.AllowClientCredentialsFlow()
                    .AllowPasswordFlow()
                    .AllowAuthorizationCodeFlow()
                    .AllowRefreshTokenFlow()
                    .AllowTokenExchangeFlow()
                    .RequireProofKeyForCodeExchange();

                // RFC 8707: the resources a token may be bound to (the MCP servers behind the Edge); any other is
                // invalid_target. Which client may ask for which is the token endpoint's decision (TokenExchangeOptions).
                server.RegisterResources([.. resources.Uris]);
                server.IgnoreResourcePermissions();

                // OAuth 2.1: S256 only. A missing method defaults to plain, so it is refused too.
                server.Configure(options => options.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));

                server.RegisterScopes(Scopes);
                server.RegisterClaims(GatewayClaims.TenantId, GatewayClaims.Roles);

                // Any second use of a refresh token is a replay: OpenIddict then revokes the whole authorization.
                server.SetRefreshTokenReuseLeeway(TimeSpan.Zero);

                // RFC 9068 JWTs that every validator reads with the published JWKS; keys come from SigningKeyRing.
                server.DisableAccessTokenEncryption();

                server.AddEventHandler(TokenResponseAuditHandler.Descriptor);
                server.AddEventHandler(RevocationAuditHandler.Descriptor);
                server.AddEventHandler(AccessTokenNotBeforeHandler.Descriptor);
                server.RemoveEventHandler(OpenIddictServerHandlers.Exchange.ValidateAuthorizedParty.Descriptor);
                server.AddEventHandler(DelegationPartyHandler.Descriptor);
                server.AddEventHandler(ClientMetadataDocumentHandler.AuthorizationRequests);
                server.AddEventHandler(ClientMetadataDocumentHandler.TokenRequests);
                server.AddEventHandler(RegistrationMetadataHandler.Descriptor);

                var aspNetCore = server.UseAspNetCore()
                    .EnableTokenEndpointPassthrough()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough();
                if (builder.Environment.IsDevelopment() || builder.Configuration.GetValue<bool>("Identity:AllowHttp"))
                {
                    // The Edge is the public face, on plain http in development; production terminates TLS.
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.AddAudiences(GatewayTokens.Audience);

                // The admin API reads the store on every call (it is called rarely), so a revoked token or authorization
                // is refused here at once, whatever the validators elsewhere have heard yet.
                validation.EnableTokenEntryValidation();
                validation.EnableAuthorizationEntryValidation();
                validation.UseAspNetCore();
            });

        builder.Services.AddAuthentication(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, cookie =>
            {
                cookie.LoginPath = LoginPage.Path;
                cookie.Cookie.Name = "agentcore.identity.session";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
                cookie.SlidingExpiration = false;
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(GatewayAdminPolicy, policy => policy
                .AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .RequireAssertion(context => OpenIddict.Abstractions.OpenIddictExtensions.HasScope(context.User, GatewayScopes.GatewayAdmin)));
        builder.Services.AddAntiforgery();
        return builder;
    }

    /// <summary>Authentication, authorization and the endpoints that complete OpenIddict's passthrough requests.</summary>
    public static WebApplication UseTokenServer(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOidcEndpoints();
        app.MapLoginPage();
        return app;
    }
}
