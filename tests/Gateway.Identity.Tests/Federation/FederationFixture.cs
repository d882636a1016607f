using AgentCore.Gateway.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.Server;

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

        var cancellationToken = TestContext.Current.CancellationToken;
        await OutsideProvider.RegisterGatewayAsync(Provider, "corp", ClientId, ClientSecret, GatewayAddress, cancellationToken);
        await OutsideProvider.RegisterGatewayAsync(hostile, "hostile", ClientId, ClientSecret, GatewayAddress, cancellationToken);

        var settings = OutsideProvider.GatewaySettings("corp", ProviderAddress, ClientId, ClientSecret, "globex", displayName: "Corp SSO");
        settings["Identity:Federation:OidcProviders:corp:RoleMap:agent-operator:0"] = "agent-admin";
        settings["Identity:Federation:OidcProviders:corp:RoleMap:agent-operator:1"] = "auditor";
        settings["Identity:Federation:OidcProviders:corp:DefaultRoles:0"] = "federated";
        foreach (var (key, value) in OutsideProvider.GatewaySettings("wrong-issuer", new Uri($"http://127.0.0.1:{providerPort}/"), ClientId, ClientSecret, "globex")
            .Concat(OutsideProvider.GatewaySettings("hostile", new Uri($"http://localhost:{hostilePort}/"), ClientId, ClientSecret, "globex")))
        {
            settings[key] = value;
        }

        Gateway = await servers.StartListeningServiceAsync(gatewayPort, settings);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
