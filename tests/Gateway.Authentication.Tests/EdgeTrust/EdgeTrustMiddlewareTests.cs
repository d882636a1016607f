using System.Net;
using System.Text;
using System.Text.Json;
using AgentCore.Gateway.Authentication.EdgeTrust;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults;
using AgentCore.Gateway.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AgentCore.Gateway.Authentication.Tests.EdgeTrust;

/// <summary>
/// A backend behind the real trust middleware on loopback: it answers what the Edge signed, exactly as signed, and
/// refuses the rest with 401 and the envelope, whatever was changed on the way (method, path, query, body, address).
/// </summary>
public sealed class EdgeTrustMiddlewareTests : IAsyncLifetime
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes(EdgeInFront.Key);
    private WebApplication app = null!;
    private Uri address = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["EdgeTrust:Key"] = EdgeInFront.Key;
        builder.Configuration["EdgeTrust:MaxBodySize"] = "1024";
        builder.AddServiceDefaults();
        builder.AddEdgeTrust();
        app = builder.Build();
        app.UseServiceDefaults();
        app.UseEdgeTrust();
        app.MapGet("/health", () => "ok");
        app.Map("/echo", async (HttpContext context, CancellationToken cancellationToken) => Results.Json(new Dictionary<string, object?>
        {
            ["query"] = context.Request.QueryString.Value,
            ["body"] = await new StreamReader(context.Request.Body).ReadToEndAsync(cancellationToken),
            ["tenant"] = context.GetEdgeCaller()?.TenantId,
            ["address"] = context.Connection.RemoteIpAddress?.ToString(),
        }));
        await app.StartAsync(TestContext.Current.CancellationToken);
        address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task A_signed_request_reaches_the_handler_with_its_query_body_and_caller()
    {
        using var client = Client(caller: new EdgeCaller("acme", "client-1", "alice", "agents.write"));

        using var response = await client.PostAsync(new Uri("/echo?agent=a-1&x=%C3%BC", UriKind.Relative), new StringContent("{\"task_type\":\"analyze\"}", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("?agent=a-1&x=%C3%BC", echo.GetProperty("query").GetString());
        Assert.Equal("{\"task_type\":\"analyze\"}", echo.GetProperty("body").GetString());
        Assert.Equal("acme", echo.GetProperty("tenant").GetString());
    }

    [Fact]
    public async Task A_request_without_a_signature_gets_401_with_the_envelope_and_probes_stay_open()
    {
        using var client = new HttpClient { BaseAddress = address };

        using var refused = await client.GetAsync(new Uri("/echo", UriKind.Relative), TestContext.Current.CancellationToken);
        using var probe = await client.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);

        await AssertRefusedAsync(refused);
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
    }

    public static TheoryData<string> Tamperings() => ["query", "added query", "body", "method", "path", "tenant"];

    [Theory]
    [MemberData(nameof(Tamperings))]
    public async Task A_request_changed_after_signing_is_refused(string part)
    {
        using var client = Client(caller: new EdgeCaller("acme", "client-1", "alice", "agents.write"), tamper: request =>
        {
            switch (part)
            {
                case "query": request.RequestUri = new Uri(request.RequestUri!.ToString().Replace("agent=a-1", "agent=a-2", StringComparison.Ordinal)); break;
                case "added query": request.RequestUri = new Uri(request.RequestUri + "&admin=true"); break;
                case "body": request.Content = new StringContent("{\"task_type\":\"delete_everything\"}", Encoding.UTF8, "application/json"); break;
                case "method": request.Method = HttpMethod.Put; break;
                case "path": request.RequestUri = new Uri(request.RequestUri!.ToString().Replace("/echo", "/echo/", StringComparison.Ordinal)); break;
                default: request.Headers.Remove(GatewayHeaders.TenantId); request.Headers.Add(GatewayHeaders.TenantId, "globex"); break;
            }
        });

        using var response = await client.PostAsync(new Uri("/echo?agent=a-1", UriKind.Relative), new StringContent("{\"task_type\":\"analyze\"}", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        await AssertRefusedAsync(response);
    }

    [Fact]
    public async Task The_client_address_the_edge_vouches_for_becomes_the_remote_address_and_cannot_be_swapped()
    {
        using var raw = new HttpClient { BaseAddress = address };

        using var vouched = await raw.SendAsync(Signed("203.0.113.7"), TestContext.Current.CancellationToken);
        using var swapped = Signed("203.0.113.7");
        swapped.Headers.Remove("X-Forwarded-For");
        swapped.Headers.Add("X-Forwarded-For", "198.51.100.1");
        using var refused = await raw.SendAsync(swapped, TestContext.Current.CancellationToken);

        Assert.Equal("203.0.113.7", (await vouched.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("address").GetString());
        await AssertRefusedAsync(refused);
    }

    [Fact]
    public async Task A_stale_signature_and_a_body_above_the_limit_are_refused()
    {
        using var stale = Client(time: new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-5)));
        using var big = Client();

        using var staleResponse = await stale.GetAsync(new Uri("/echo", UriKind.Relative), TestContext.Current.CancellationToken);
        using var bigResponse = await big.PostAsync(new Uri("/echo", UriKind.Relative), new ByteArrayContent(new byte[2048]), TestContext.Current.CancellationToken);

        await AssertRefusedAsync(staleResponse);
        await AssertRefusedAsync(bigResponse);
    }

    private static HttpRequestMessage Signed(string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/echo");
        var requestId = Guid.NewGuid().ToString("D");
        request.Headers.Add(GatewayHeaders.RequestId, requestId);
        EdgeSigningHandler.WriteHeaders(request.Headers, Key, new EdgeSignedRequest(
            "GET", "/echo", null, requestId, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), null, forwardedFor, string.Empty));
        return request;
    }

    private HttpClient Client(EdgeCaller? caller = null, Action<HttpRequestMessage>? tamper = null, TimeProvider? time = null)
    {
        HttpMessageHandler handler = new SocketsHttpHandler();
        if (tamper is not null)
        {
            handler = new TamperingHandler(tamper) { InnerHandler = handler };
        }

        return new HttpClient(new EdgeSigningHandler(Key, time ?? TimeProvider.System, caller) { InnerHandler = handler }) { BaseAddress = address };
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
        Assert.Equal(ErrorCodes.AuthenticationFailed, error.GetProperty("code").GetString());
        Assert.True(Guid.TryParse(error.GetProperty("request_id").GetString(), out _));
    }

    private sealed class TamperingHandler(Action<HttpRequestMessage> tamper) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            tamper(request);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
