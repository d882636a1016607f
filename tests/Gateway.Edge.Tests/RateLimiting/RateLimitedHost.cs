using AgentCore.Gateway.Edge.Admission;
using AgentCore.Gateway.Edge.Authentication;
using AgentCore.Gateway.Edge.Authorization;
using AgentCore.Gateway.Edge.ClientAddresses;
using AgentCore.Gateway.Edge.RateLimiting;
using AgentCore.Gateway.ServiceDefaults;
using AgentCore.Gateway.ServiceDefaults.Redis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AgentCore.Gateway.Edge.Tests.RateLimiting;

/// <summary>
/// A real Kestrel host on loopback with the Edge's client-address handling and admission (which applies rate limits), over a real Redis.
/// <c>GET /limited</c> uses <see cref="Policy"/> (3 per minute per address unless the settings say otherwise), <c>GET /address</c> echoes the caller's address as the Edge sees it.
/// </summary>
internal sealed class RateLimitedHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private RateLimitedHost(WebApplication app, Uri address, string policy)
    {
        this.app = app;
        Policy = policy;
        Client = new HttpClient { BaseAddress = address };
    }

    public HttpClient Client { get; }

    public string Policy { get; }

    public IServiceProvider Services => app.Services;

    /// <summary>
    /// Starts a host whose policy is <paramref name="policy"/> (by default a new name, so that hosts never share counters;
    /// hosts given the same name are instances of one Edge sharing its limits).
    /// </summary>
    public static async Task<RateLimitedHost> StartAsync(string redisConnectionString, IDictionary<string, string?> settings, string? policy = null)
    {
        policy ??= "tiny-" + Guid.NewGuid().ToString("N");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = redisConnectionString,
            ["RateLimiting:DefaultPolicy"] = policy,
            [$"RateLimiting:Policies:{policy}:Limits:0:Name"] = "quota",
            [$"RateLimiting:Policies:{policy}:Limits:0:PartitionBy:0"] = "SourceAddress",
            [$"RateLimiting:Policies:{policy}:Limits:0:PermitLimit"] = "3",
            [$"RateLimiting:Policies:{policy}:Limits:0:Window"] = "00:01:00",
            [$"RateLimiting:Policies:{policy}:Limits:0:LeaseSize"] = "1",

            // Admission authenticates whatever credentials come; these requests bring none.
            ["Gateway:Issuer"] = "http://issuer.invalid/",
            ["EdgeTrust:Key"] = "test-only-edge-trust-key-0123456789abcdefghijklmnop",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        builder.AddGatewayRedis();
        builder.AddClientAddresses();
        builder.AddEdgeRateLimiting();
        builder.AddEdgeAuthentication();
        builder.AddEdgeAuthorization();
        builder.AddEdgeAdmission();
        var app = builder.Build();
        app.UseClientAddresses();
        app.UseServiceDefaults();
        app.UseRouting();
        app.UseEdgeAdmission();
        app.MapGet("/limited", () => "ok").RequireRateLimiting(policy);
        app.MapGet("/address", (HttpContext context) => context.Connection.RemoteIpAddress?.ToString());
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new RateLimitedHost(app, new Uri(address), policy);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.DisposeAsync();
    }
}
