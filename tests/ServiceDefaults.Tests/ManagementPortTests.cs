using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.ServiceDefaults.Tests;

/// <summary>With a management port, probes and metrics answer there alone, and the service's own routes never do.</summary>
public sealed class ManagementPortTests : IAsyncLifetime
{
    private WebApplication app = null!;
    private HttpClient publicPort = null!;
    private HttpClient managementPort = null!;

    public async ValueTask InitializeAsync()
    {
        var (servicePort, management) = (FreePort(), FreePort());
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{servicePort};http://127.0.0.1:{management}");
        builder.Configuration["Management:Port"] = management.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.AddServiceDefaults();
        app = builder.Build();
        app.UseServiceDefaults();
        app.MapDefaultEndpoints();
        app.MapGet("/api/v1/things", () => "things");
        await app.StartAsync(TestContext.Current.CancellationToken);
        publicPort = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{servicePort}") };
        managementPort = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{management}") };
    }

    public async ValueTask DisposeAsync()
    {
        publicPort.Dispose();
        managementPort.Dispose();
        await app.DisposeAsync();
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/health")]
    [InlineData("/ready")]
    [InlineData("/alive")]
    public async Task Management_paths_are_absent_from_the_service_port_and_present_on_the_management_port(string path)
    {
        using var onPublic = await publicPort.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        using var onManagement = await managementPort.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        await AssertNotFoundAsync(onPublic);
        Assert.Equal(HttpStatusCode.OK, onManagement.StatusCode);
    }

    [Fact]
    public async Task The_services_routes_are_absent_from_the_management_port()
    {
        using var onManagement = await managementPort.GetAsync(new Uri("/api/v1/things", UriKind.Relative), TestContext.Current.CancellationToken);
        using var onPublic = await publicPort.GetAsync(new Uri("/api/v1/things", UriKind.Relative), TestContext.Current.CancellationToken);

        await AssertNotFoundAsync(onManagement);
        Assert.Equal(HttpStatusCode.OK, onPublic.StatusCode);
    }

    private static async Task AssertNotFoundAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
        Assert.Equal(ErrorCodes.NotFound, error.GetProperty("code").GetString());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
