using System.Net;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.TestSupport;

namespace AgentCore.Gateway.Edge.Tests;

public sealed class CorsTests(CorsTests.AnyHostEdgeFixture edge) : IClassFixture<CorsTests.AnyHostEdgeFixture>
{
    /// <summary>
    /// The Edge with host filtering open (<c>AllowedHosts</c> <c>*</c>), so that what these tests show is CORS's own
    /// refusal: a Host header that names the attacker must not make a request same-origin even where hosts pass.
    /// </summary>
    public sealed class AnyHostEdgeFixture : EdgeFixture
    {
        protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["AllowedHosts"] = "*" };
    }

    /// <summary>The origin of the fixture's <c>Gateway:Issuer</c>, the Edge's public URL.</summary>
    private static readonly string SameOrigin = new Uri(GatewayTokenServer.Issuer).GetLeftPart(UriPartial.Authority);

    [Fact]
    public async Task A_preflight_from_an_allowed_origin_is_answered_with_that_exact_origin()
    {
        using var client = edge.CreateClient();
        using var request = Preflight(EdgeFixture.AllowedOrigin, "POST", "authorization, content-type");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(EdgeFixture.AllowedOrigin, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal("true", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Credentials")));
        Assert.Contains("POST", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_actual_request_from_an_allowed_origin_gets_the_cors_headers()
    {
        using var client = edge.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/health");
        request.Headers.Add("Origin", EdgeFixture.AllowedOrigin);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(EdgeFixture.AllowedOrigin, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("https://app.agentcore.ai.evil.example")]
    [InlineData("http://app.agentcore.ai")]
    [InlineData("null")]
    public async Task A_preflight_from_any_other_origin_is_refused(string origin)
    {
        using var client = edge.CreateClient();
        using var request = Preflight(origin, "POST", "authorization");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await Envelope.AssertAsync(response, HttpStatusCode.Forbidden, ErrorCodes.AuthorizationDenied);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_request_with_origin_null_is_refused()
    {
        using var client = edge.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/health");
        request.Headers.Add("Origin", "null");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await Envelope.AssertAsync(response, HttpStatusCode.Forbidden, ErrorCodes.AuthorizationDenied);
    }

    [Theory]
    [InlineData("GET", "/api/v1/health")]
    [InlineData("POST", "/connect/login")]
    [InlineData("GET", "/docs/scalar.aspnetcore.js")]
    public async Task A_request_from_the_edges_own_public_origin_is_same_origin_and_passes(string method, string path)
    {
        using var client = edge.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add("Origin", SameOrigin);
        if (method == "POST")
        {
            request.Content = new FormUrlEncodedContent([new("username", "alice")]);
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"), "Same-origin answers need no CORS headers.");
    }

    [Theory]
    [InlineData("https://gateway.test")]
    [InlineData("http://gateway.test:8080")]
    [InlineData("http://sub.gateway.test")]
    public async Task An_origin_that_differs_from_the_public_origin_in_scheme_port_or_host_is_still_refused(string origin)
    {
        using var client = edge.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/health");
        request.Headers.Add("Origin", origin);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await Envelope.AssertAsync(response, HttpStatusCode.Forbidden, ErrorCodes.AuthorizationDenied);
    }

    [Fact]
    public async Task A_same_origin_form_post_under_no_referrer_with_origin_null_passes()
    {
        // What Chromium sends for the login form under the Edge's Referrer-Policy: no-referrer.
        using var client = edge.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/login")
        {
            Content = new FormUrlEncodedContent([new("username", "alice")]),
        };
        request.Headers.Host = new Uri(GatewayTokenServer.Issuer).Authority;
        request.Headers.Add("Origin", "null");
        request.Headers.Add("Sec-Fetch-Site", "same-origin");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("gateway.test", "cross-site")]
    [InlineData("gateway.test", "same-site")]
    [InlineData("evil.example", "same-origin")]
    public async Task Origin_null_is_refused_unless_the_browser_says_same_origin_for_the_public_host(string host, string fetchSite)
    {
        // Sandboxed frames and cross-site pages send null too; a DNS-rebinding page is same-origin only with its own host.
        using var client = edge.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/login")
        {
            Content = new FormUrlEncodedContent([new("username", "alice")]),
        };
        request.Headers.Host = host;
        request.Headers.Add("Origin", "null");
        request.Headers.Add("Sec-Fetch-Site", fetchSite);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await Envelope.AssertAsync(response, HttpStatusCode.Forbidden, ErrorCodes.AuthorizationDenied);
    }

    [Fact]
    public async Task A_host_header_that_matches_the_origin_does_not_make_a_request_same_origin()
    {
        // What a DNS-rebinding page produces: Host and Origin agree, and both are the attacker's.
        using var client = edge.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/health");
        request.Headers.Host = "evil.example";
        request.Headers.Add("Origin", "http://evil.example");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await Envelope.AssertAsync(response, HttpStatusCode.Forbidden, ErrorCodes.AuthorizationDenied);
    }

    private static HttpRequestMessage Preflight(string origin, string method, string headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/agents/agent-1/tasks");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return request;
    }
}
