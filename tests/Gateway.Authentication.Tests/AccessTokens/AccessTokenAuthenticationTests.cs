using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults;
using AgentCore.Gateway.ServiceDefaults.Redis;
using AgentCore.Gateway.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AgentCore.Gateway.Authentication.Tests.AccessTokens;

/// <summary>
/// A service behind the Edge with the shared bearer authentication, on loopback with a real redis-server, started while
/// Identity's stand-in is down: a token it cannot check yet is 503 with <c>Retry-After</c>, not a 401.
/// </summary>
public sealed class AccessTokenAuthenticationTests : IAsyncLifetime
{
    private RedisServer redis = null!;
    private GatewayTokenServer tokens = null!;
    private WebApplication app = null!;
    private Uri address = null!;

    public async ValueTask InitializeAsync()
    {
        redis = await RedisServer.StartAsync();
        tokens = GatewayTokenServer.CreateDown(FreePort.Next());
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration[$"ConnectionStrings:{ServiceNames.Redis}"] = redis.ConnectionString;
        builder.Configuration[GatewayTokens.IssuerConfigurationKey] = GatewayTokenServer.Issuer;
        builder.Configuration["Authentication:Jwt:MetadataAddress"] = tokens.MetadataAddress;
        builder.Configuration["Authentication:Jwt:KeyRetryInterval"] = "00:00:01";
        builder.Configuration["EdgeTrust:Key"] = EdgeInFront.Key;
        builder.AddServiceDefaults();
        builder.AddGatewayRedis();
        builder.AddAccessTokenAuthentication();
        builder.Services.AddAuthorization();
        app = builder.Build();
        app.UseServiceDefaults();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/caller", (HttpContext context) => context.User.Identity!.Name ?? "authenticated").RequireAuthorization();
        await app.StartAsync(TestContext.Current.CancellationToken);
        address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        await tokens.DisposeAsync();
        await redis.DisposeAsync();
    }

    [Fact]
    public async Task A_token_is_503_with_retry_after_while_the_keys_are_unavailable_then_checked_once_identity_is_up()
    {
        using var client = new HttpClient { BaseAddress = address };
        var token = tokens.CreateToken("acme");

        using (var down = await GetAsync(client, token))
        {
            var body = await down.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True(down.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)down.StatusCode}: {body}");
            Assert.Equal(ErrorCodes.ServiceUnavailable, JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetString());
            Assert.NotNull(down.Headers.RetryAfter);
            Assert.Empty(down.Headers.WwwAuthenticate);
        }

        await tokens.ListenAsync();

        var status = await GatewayTokenServer.StatusOnceKeysAreFetchedAsync(() => GetAsync(client, token), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, status);
        using var forged = await GetAsync(client, tokens.CreateToken("acme", signedByStranger: true));
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/caller");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
