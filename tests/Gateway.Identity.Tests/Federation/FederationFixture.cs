using AgentCore.Gateway.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AgentCore.Gateway.Identity.Tests.Federation;

/// <summary>
/// Three real instances of the Identity service on loopback ports: the gateway under test, and two more playing
/// outside OpenID Connect providers with their own issuers and users. One provider is honest; the other signs its
/// identity tokens for another audience. The gateway is also configured with a provider whose discovery document
/// names a different issuer than the one configured (the honest provider reached through 127.0.0.1).
/// </summary>
public sealed class FederationFixture(IdentityServerFixture servers) : IAsyncLifetime
{
    public const string ClientId = "agentcore-gateway-federation";
    public const string ClientSecret = "federation-test-secret";

    private readonly int gatewayPort = FreePort.Next();
    private readonly int providerPort = FreePort.Next();
    private readonly int hostilePort = FreePort.Next();

    /// <summary>The gateway's Identity service, which federates to the others.</summary>
    public IdentityService Gateway { get; private set; } = null!;

    /// <summary>An honest outside provider (its seed users are alice and bob).</summary>
    public IdentityService Provider { get; private set; } = null!;

    public Uri GatewayAddress => new($"http://localhost:{gatewayPort}/");

    public Uri ProviderAddress => new($"http://localhost:{providerPort}/");

    public async ValueTask InitializeAsync()
    {
        Provider = await servers.StartListeningServiceAsync(providerPort, new Dictionary<string, string?>());
        var hostile = await servers.StartListeningServiceAsync(hostilePort, new Dictionary<string, string?>(), services => services
            .AddOpenIddict()
            .AddServer(server => server.AddEventHandler<OpenIddictServerEvents.ProcessSignInContext>(handler => handler
                .UseInlineHandler(context =>
                {
                    context.IdentityTokenPrincipal?.SetAudiences("some-other-client");
                    return default;
                })
                .SetOrder(OpenIddictServerHandlers.PrepareIdentityTokenPrincipal.Descriptor.Order + 1))));

        await RegisterGatewayAsync(Provider, "corp");
        await RegisterGatewayAsync(hostile, "hostile");

        Gateway = await servers.StartListeningServiceAsync(gatewayPort, new Dictionary<string, string?>
        {
            ["Identity:Federation:OidcProviders:corp:DisplayName"] = "Corp SSO",
            ["Identity:Federation:OidcProviders:corp:Authority"] = ProviderAddress.ToString(),
            ["Identity:Federation:OidcProviders:corp:ClientId"] = ClientId,
            ["Identity:Federation:OidcProviders:corp:ClientSecret"] = ClientSecret,
            ["Identity:Federation:OidcProviders:corp:TenantId"] = "globex",
            ["Identity:Federation:OidcProviders:corp:RoleMap:agent-operator:0"] = "agent-admin",
            ["Identity:Federation:OidcProviders:corp:RoleMap:agent-operator:1"] = "auditor",
            ["Identity:Federation:OidcProviders:corp:DefaultRoles:0"] = "federated",
            ["Identity:Federation:OidcProviders:wrong-issuer:Authority"] = $"http://127.0.0.1:{providerPort}/",
            ["Identity:Federation:OidcProviders:wrong-issuer:ClientId"] = ClientId,
            ["Identity:Federation:OidcProviders:wrong-issuer:ClientSecret"] = ClientSecret,
            ["Identity:Federation:OidcProviders:wrong-issuer:TenantId"] = "globex",
            ["Identity:Federation:OidcProviders:hostile:Authority"] = $"http://localhost:{hostilePort}/",
            ["Identity:Federation:OidcProviders:hostile:ClientId"] = ClientId,
            ["Identity:Federation:OidcProviders:hostile:ClientSecret"] = ClientSecret,
            ["Identity:Federation:OidcProviders:hostile:TenantId"] = "globex",
        });
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>What an administrator of the outside provider does: register the gateway as a confidential client.</summary>
    private async Task RegisterGatewayAsync(IdentityService provider, string providerName)
    {
        await using var scope = provider.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        await applications.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            ClientType = ClientTypes.Confidential,

            // The provider trusts the gateway as its own first-party client; OpenIddict's default (explicit) would ask
            // the user's consent at the provider, which these tests do not play.
            ConsentType = ConsentTypes.Implicit,
            RedirectUris = { new Uri(GatewayAddress, $"connect/federation/{providerName}/callback") },
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        }, TestContext.Current.CancellationToken);
    }
}
