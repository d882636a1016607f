using System.Net;
using AgentCore.Gateway.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AgentCore.Gateway.Realtime.Tests.Infrastructure;

/// <summary>One real Realtime instance on Kestrel (loopback, free port), configured for the test's Redis and token server.</summary>
internal sealed class RealtimeServer : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> settings;
    private readonly TimeProvider? time;
    private readonly Action<IServiceCollection>? services;

    private RealtimeServer(IReadOnlyDictionary<string, string?> settings, TimeProvider? time, Action<IServiceCollection>? services)
    {
        this.settings = settings;
        this.time = time;
        this.services = services;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public static RealtimeServer Start(IReadOnlyDictionary<string, string?> settings, TimeProvider? time = null, Action<IServiceCollection>? services = null)
    {
        var server = new RealtimeServer(settings, time, services);
        server.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        server.StartServer();
        server.BaseAddress = new Uri(server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    public HttpClient CreateHttpClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>A SignalR client of <c>/hubs/agents</c> that presents <paramref name="token"/>; not started yet.</summary>
    public HubConnection ConnectHub(string token) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(BaseAddress, "/hubs/agents"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseEdgeInFront();
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        if (time is not null)
        {
            builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton(time)));
        }

        if (services is not null)
        {
            builder.ConfigureServices(services);
        }
    }
}
