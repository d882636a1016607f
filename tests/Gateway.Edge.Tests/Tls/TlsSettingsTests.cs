using System.Net;
using AgentCore.Gateway.Edge.Tls;
using AgentCore.Gateway.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Edge.Tests.Tls;

public sealed class TlsSettingsTests
{
    [Theory]
    [InlineData("1.1")]
    [InlineData("1.0")]
    [InlineData("TLS13")]
    public void A_minimum_version_other_than_1_2_or_1_3_stops_the_edge(string version)
    {
        using var host = Build(new() { ["Edge:Tls:MinimumVersion"] = version });

        var failure = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<EdgeTlsOptions>>().Value);
        Assert.Contains("1.3 or 1.2", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_file_that_does_not_exist_stops_the_edge()
    {
        using var host = Build(new() { ["Edge:Tls:Certificate:Path"] = "/no/such/edge.pem" });

        var failure = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<EdgeTlsOptions>>().Value);
        Assert.Contains("/no/such/edge.pem", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_accepts_tls_1_3_only()
    {
        using var host = Build([]);

        Assert.Equal(System.Security.Authentication.SslProtocols.Tls13, host.Services.GetRequiredService<IOptions<EdgeTlsOptions>>().Value.Protocols);
    }

    [Fact]
    public async Task Outside_development_plain_http_is_redirected_by_default()
    {
        await using var app = await StartAsync("Production", []);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });

        using var response = await client.GetAsync(Address(app) + "api/v1/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal("https", response.Headers.Location?.Scheme);
    }

    [Fact]
    public async Task Refuse_answers_plain_http_with_the_envelope()
    {
        await using var app = await StartAsync("Production", new() { ["Edge:Tls:PlainHttp"] = "Refuse" });
        using var client = new HttpClient();

        using var response = await client.GetAsync(Address(app) + "api/v1/health", TestContext.Current.CancellationToken);

        await Envelope.AssertAsync(response, HttpStatusCode.BadRequest, Contracts.ErrorCodes.InvalidRequest);
    }

    [Fact]
    public async Task In_development_plain_http_is_served()
    {
        await using var app = await StartAsync("Development", []);
        using var client = new HttpClient();

        using var response = await client.GetAsync(Address(app) + "api/v1/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddEdgeTls();
        return builder.Build();
    }

    /// <summary>A bare host with only the Edge's TLS pieces and the envelope, on a loopback HTTP port.</summary>
    private static async Task<WebApplication> StartAsync(string environment, Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddEdgeTls();
        var app = builder.Build();
        app.UseServiceDefaults();
        app.UseEdgePlainHttpPolicy();
        app.MapGet("/api/v1/health", () => "ok");
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    private static string Address(WebApplication app) => app.Urls.First() + "/";
}
