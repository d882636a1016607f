using AgentCore.Gateway.Edge.Tests.Mcp;
using AgentCore.Gateway.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using StackExchange.Redis;

namespace AgentCore.Gateway.Edge.Tests;

/// <summary>
/// The real Edge on a loopback Kestrel port, in front of <see cref="EchoBackend"/>, validating tokens against
/// the JWKS of a <see cref="GatewayTokenServer"/> and API keys against a real redis-server.
/// </summary>
public class EdgeFixture : IAsyncLifetime
{
    public const string AllowedOrigin = "https://app.agentcore.ai";
    public const string Tenant = "acme";

    /// <summary>The scopes of <see cref="ValidToken"/> unless a test asks for others.</summary>
    public const string AllScopes = "agents.read agents.write events.read";

    private const string TrustKey = "test-only-edge-trust-key-0123456789abcdefghijklmnop";
    private static readonly string[] Clusters = ["identity", "realtime", "audit", "agentruntime", "agenttools"];

    private readonly EchoBackend backend = new(TrustKey);
    private RedisServer? redis;
    private WebApplicationFactory<Program>? edge;

    /// <summary>Identity's stand-in; its discovery document names the public Edge, as Identity's does.</summary>
    internal GatewayTokenServer Tokens { get; private set; } = null!;

    /// <summary>The MCP server behind the <c>agenttools</c> cluster.</summary>
    internal McpToolServer McpTools => backend.McpTools;

    /// <summary>The backend's own address, to prove it cannot be called around the Edge.</summary>
    public Uri BackendAddress => new(backend.Address);

    public ConnectionMultiplexer Redis { get; private set; } = null!;

    /// <summary>The shortest time between key downloads for unknown kids.</summary>
    protected virtual TimeSpan UnknownKeyRefreshInterval => TimeSpan.FromMinutes(30);

    /// <summary>Settings a fixture of its own adds to or changes in the Edge's configuration.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    /// <summary>Identity's stand-in, running unless a derived fixture wants it down at the start.</summary>
    protected virtual Task<GatewayTokenServer> StartTokenServerAsync(Uri publicAddress) => GatewayTokenServer.StartAsync(publicAddress);

    /// <summary>What a derived fixture changes in the Edge's host beyond settings.</summary>
    protected virtual void Configure(IWebHostBuilder web)
    {
    }

    public async ValueTask InitializeAsync()
    {
        redis = await RedisServer.StartAsync();
        Redis = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        Tokens = await StartTokenServerAsync(publicAddress: new Uri("http://edge.invalid/"));
        await backend.StartAsync();

        edge = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:redis", redis.ConnectionString);
            web.UseSetting("Gateway:Issuer", GatewayTokenServer.Issuer);
            web.UseSetting("Authentication:Jwt:MetadataAddress", Tokens.MetadataAddress);
            web.UseSetting("Authentication:Jwt:UnknownKeyRefreshInterval", UnknownKeyRefreshInterval.ToString());
            web.UseSetting("Authentication:ApiKeys:CacheDuration", "00:05:00");
            web.UseSetting("EdgeTrust:Key", TrustKey);
            web.UseSetting("Cors:AllowedOrigins:0", AllowedOrigin);
            foreach (var cluster in Clusters)
            {
                web.UseSetting($"ReverseProxy:Clusters:{cluster}:Destinations:primary:Address", backend.Address);
                web.UseSetting($"ReverseProxy:Clusters:{cluster}:Destinations:primary:Health", backend.Address);
            }

            web.UseSetting("ReverseProxy:Routes:slow:ClusterId", "agentruntime");
            web.UseSetting("ReverseProxy:Routes:slow:Match:Path", "/slow/{**rest}");
            web.UseSetting("ReverseProxy:Routes:slow:Timeout", "00:00:01");
            web.UseSetting("ReverseProxy:Routes:empty:ClusterId", "empty");
            web.UseSetting("ReverseProxy:Routes:empty:Match:Path", "/empty/{**rest}");
            web.UseSetting("ReverseProxy:Clusters:empty:LoadBalancingPolicy", "RoundRobin");
            foreach (var (key, value) in Settings)
            {
                web.UseSetting(key, value);
            }

            Configure(web);
        });
        Listen(edge);
        edge.StartServer();
        BaseAddress = edge.ClientOptions.BaseAddress;
    }

    /// <summary>The Edge's listeners: one loopback HTTP port unless a derived fixture wants others.</summary>
    protected virtual void Listen(WebApplicationFactory<Program> factory) =>
        factory.UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The running Edge's services.</summary>
    public IServiceProvider Services => edge!.Services;

    /// <summary>A token Identity would issue to <see cref="Tenant"/>'s user.</summary>
    internal string ValidToken(string scope = AllScopes) => Tokens.CreateToken(Tenant, scope);

    /// <summary>A client of the real Edge over loopback HTTP.</summary>
    public HttpClient CreateClient() => edge!.CreateClient();

    /// <summary>A client of the real Edge that does not follow redirects, to see them.</summary>
    public HttpClient CreateNonRedirectingClient() => edge!.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = BaseAddress });

    public virtual async ValueTask DisposeAsync()
    {
        if (edge is not null)
        {
            await edge.DisposeAsync();
        }

        await backend.DisposeAsync();
        if (Tokens is not null)
        {
            await Tokens.DisposeAsync();
        }
        Redis?.Dispose();
        if (redis is not null)
        {
            await redis.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
