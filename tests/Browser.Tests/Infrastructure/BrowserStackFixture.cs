using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.EndToEnd.Tests;
using AgentCore.Gateway.Identity.Tests;
using AgentCore.Gateway.TestSupport;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AgentCore.Gateway.Browser.Tests.Infrastructure;

/// <summary>
/// The real AppHost (local mode, shared by the collection) and Debian's Chromium driven by Playwright. The gateway's
/// Identity federates to a second, real Identity instance in process on a loopback port, which plays the outside
/// OpenID Connect provider "Corp SSO": a provider must be reachable by the browser and by the gateway's Identity
/// alike, and must not be part of the product's AppHost, so it runs beside the stack rather than in it.
/// </summary>
public sealed class BrowserStackFixture : GatewayStackFixture
{
    public const string ProviderName = "corp";
    public const string ProviderDisplayName = "Corp SSO";
    public const string ProviderClientId = "agentcore-gateway-browser";
    public const string ProviderClientSecret = "browser-test-federation-secret";

    /// <summary>Debian's package; Playwright drives it and never downloads a browser of its own.</summary>
    private const string ChromiumPath = "/usr/bin/chromium";

    private readonly int providerPort = FreePort.Next();
    private IdentityServerFixture? providerServers;
    private IdentityService? provider;
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The outside provider's own address (its issuer).</summary>
    public Uri ProviderAddress => new($"http://localhost:{providerPort}/");

    /// <summary>The Edge as a browser reaches it: the stack's public URL and token issuer.</summary>
    public Uri PublicAddress => EdgeAddress;

    /// <summary>
    /// Local mode on the ports a person gets (the Edge on 8080, its configured public URL), not the test host's random
    /// ones: the browser meets the stack exactly as a user of <c>dotnet run --project AppHost</c> does.
    /// </summary>
    protected override string[] Arguments => [.. base.Arguments, "--DcpPublisher:RandomizePorts=false"];

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        providerServers = new IdentityServerFixture();
        await providerServers.InitializeAsync();
        provider = await providerServers.StartListeningServiceAsync(providerPort, new Dictionary<string, string?>());
    }

    /// <summary>What the provider's administrator does: register the gateway, with its callback on the Edge.</summary>
    private async Task RegisterGatewayAtProviderAsync(CancellationToken cancellationToken)
    {
        await using var scope = provider!.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = ProviderClientId,
            ClientSecret = ProviderClientSecret,
            ClientType = ClientTypes.Confidential,

            // The provider trusts the gateway as its own first-party client; OpenIddict's default (explicit) would ask
            // the user's consent at the provider, which this test does not play.
            ConsentType = ConsentTypes.Implicit,
            RedirectUris = { new Uri(PublicAddress, $"connect/federation/{ProviderName}/callback") },
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

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        var prefix = $"Identity__Federation__OidcProviders__{ProviderName}__";
        builder.CreateResourceBuilder<ProjectResource>(ServiceNames.Identity)
            .WithEnvironment(prefix + "DisplayName", ProviderDisplayName)
            .WithEnvironment(prefix + "Authority", ProviderAddress.ToString())
            .WithEnvironment(prefix + "ClientId", ProviderClientId)
            .WithEnvironment(prefix + "ClientSecret", ProviderClientSecret)
            .WithEnvironment(prefix + "TenantId", "acme");
    }

    protected override async Task WaitUntilStartedAsync(DistributedApplication started, CancellationToken cancellationToken)
    {
        await base.WaitUntilStartedAsync(started, cancellationToken);
        await RegisterGatewayAtProviderAsync(cancellationToken);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run",
            ],
        });
    }

    public override async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        await base.DisposeAsync();
        if (providerServers is not null)
        {
            await providerServers.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserStackGroup : ICollectionFixture<BrowserStackFixture>
{
    public const string Name = "browser stack";
}
