using System.Net;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Edge.Tests;

public sealed class CorsTests(EdgeFixture edge) : IClassFixture<EdgeFixture>
{
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

    private static HttpRequestMessage Preflight(string origin, string method, string headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/agents/agent-1/tasks");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return request;
    }
}
