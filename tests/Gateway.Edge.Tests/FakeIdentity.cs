using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AgentCore.Gateway.Edge.Tests;

/// <summary>
/// A real HTTP server on loopback that publishes a discovery document and a JWKS, as Identity does. Keys can be
/// added while it runs (rotation), and it counts JWKS downloads.
/// </summary>
internal sealed class FakeIdentity : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, RSA> keys = new(StringComparer.Ordinal);
    private WebApplication? app;
    private int jwksDownloads;

    public Uri MetadataAddress { get; private set; } = null!;

    public int JwksDownloads => Volatile.Read(ref jwksDownloads);

    public void Publish(string keyId, RSA key) => keys[keyId] = key;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        app = builder.Build();
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, string>
        {
            // Names the public Edge, as Identity does; the Edge reads the same path from Identity itself.
            ["issuer"] = "http://edge.invalid/",
            ["jwks_uri"] = "http://edge.invalid/.well-known/jwks",
        }));
        app.MapGet("/.well-known/jwks", () =>
        {
            Interlocked.Increment(ref jwksDownloads);
            return Results.Text(TestTokens.Jwks([.. keys.Select(pair => (pair.Key, pair.Value))]).ToJsonString(), "application/json");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        MetadataAddress = new Uri(new Uri(address), "/.well-known/openid-configuration");
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }
}
