using System.Net;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.TestSupport;
using static AgentCore.Gateway.Identity.Tests.TokenRequests;

namespace AgentCore.Gateway.Identity.Tests;

/// <summary>
/// Identity answers only what the Edge signed (the test host plays the Edge in front, see <see cref="EdgeInFront"/>),
/// and builds its absolute URLs from the issuer alone, whatever Host or X-Forwarded-Host a request names.
/// </summary>
[Collection(IdentityServerGroup.Name)]
public sealed class EdgeOnlyTests(IdentityServerFixture fixture)
{
    [Theory]
    [InlineData("/connect/token")]
    [InlineData("/.well-known/openid-configuration")]
    [InlineData("/connect/authorize?client_id=agentcore-cli")]
    public async Task A_call_around_the_edge_gets_401_with_the_envelope(string path)
    {
        using var client = fixture.Service.CreateClient();
        using var request = new HttpRequestMessage(path == "/connect/token" ? HttpMethod.Post : HttpMethod.Get, path);
        request.Headers.Add(EdgeInFront.AroundTheEdgeHeader, "1");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
        Assert.Equal(ErrorCodes.AuthenticationFailed, error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Probes_stay_open_without_a_signature()
    {
        using var client = fixture.Service.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/alive");
        request.Headers.Add(EdgeInFront.AroundTheEdgeHeader, "1");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("evil.example", null)]
    [InlineData("localhost", "evil.example")]
    public async Task The_login_redirect_names_the_issuer_whatever_host_the_request_names(string host, string? forwardedHost)
    {
        using var browser = fixture.Service.CreateBrowser();
        var (_, challenge) = NewPkce();
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"/connect/authorize?client_id=agentcore-cli&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcallback&scope=agents.read&code_challenge={challenge}&code_challenge_method=S256");
        request.Headers.Host = host;
        if (forwardedHost is not null)
        {
            request.Headers.Add("X-Forwarded-Host", forwardedHost);
            request.Headers.Add("X-Forwarded-Proto", "https");
        }

        using var response = await browser.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.True(location.IsAbsoluteUri, location.ToString());
        Assert.StartsWith(IdentityServerFixture.Issuer, location.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", location.ToString(), StringComparison.Ordinal);
    }
}
