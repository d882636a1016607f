using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.EndToEnd.Tests;
using AgentCore.Gateway.Identity.Tests;
using AgentCore.Gateway.Identity.Tests.Federation;
using AgentCore.Gateway.TestSupport;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Playwright;

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

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        var identity = builder.CreateResourceBuilder<ProjectResource>(ServiceNames.Identity);
        foreach (var (key, value) in OutsideProvider.GatewaySettings(
            ProviderName, ProviderAddress, ProviderClientId, ProviderClientSecret, "acme", displayName: ProviderDisplayName))
        {
            identity.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
        }
    }

    protected override async Task WaitUntilStartedAsync(DistributedApplication started, CancellationToken cancellationToken)
    {
        await base.WaitUntilStartedAsync(started, cancellationToken);
        await OutsideProvider.RegisterGatewayAsync(provider!, ProviderName, ProviderClientId, ProviderClientSecret, PublicAddress, cancellationToken);
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
