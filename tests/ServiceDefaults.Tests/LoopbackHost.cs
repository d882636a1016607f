using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AgentCore.Gateway.ServiceDefaults.Tests;

/// <summary>A real Kestrel server on a free loopback port running the service defaults and the given endpoints.</summary>
internal sealed class LoopbackHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private LoopbackHost(WebApplication app, Uri address)
    {
        this.app = app;
        Client = new HttpClient { BaseAddress = address };
    }

    public HttpClient Client { get; }

    public static async Task<LoopbackHost> StartAsync(Action<WebApplication> mapEndpoints, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddServiceDefaults();
        configure?.Invoke(builder);
        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapDefaultEndpoints();
        mapEndpoints(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new LoopbackHost(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.DisposeAsync();
    }
}
