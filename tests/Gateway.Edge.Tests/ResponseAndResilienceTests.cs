using System.Net;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Edge.Tests;

public sealed class ResponseAndResilienceTests(EdgeFixture edge) : IClassFixture<EdgeFixture>
{
    [Fact]
    public async Task Responses_carry_the_security_headers_and_no_server_banner()
    {
        using var client = edge.CreateClient();
        using var response = await client.GetAsync("/api/v1/health", TestContext.Current.CancellationToken);

        Assert.False(response.Headers.Contains("Server"));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.True(Guid.TryParse(Assert.Single(response.Headers.GetValues(GatewayHeaders.RequestId)), out _));
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), "HSTS is only for HTTPS.");
    }

    [Fact]
    public async Task Token_responses_are_never_cached()
    {
        using var client = edge.CreateClient();
        using var content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]);
        using var response = await client.PostAsync("/api/v1/auth/token", content, TestContext.Current.CancellationToken);

        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task An_unknown_route_gets_404_with_the_envelope()
    {
        using var client = edge.CreateClient();
        using var response = await client.GetAsync("/no/such/route", TestContext.Current.CancellationToken);
        await Envelope.AssertAsync(response, HttpStatusCode.NotFound, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task A_cluster_without_destinations_gets_503_with_retry_after()
    {
        using var client = edge.CreateClient();
        using var response = await client.GetAsync("/empty/anything", TestContext.Current.CancellationToken);

        await Envelope.AssertAsync(response, HttpStatusCode.ServiceUnavailable, ErrorCodes.ServiceUnavailable);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task A_backend_slower_than_the_route_timeout_gets_504()
    {
        using var client = edge.CreateClient();
        using var response = await client.GetAsync("/slow/anything", TestContext.Current.CancellationToken);
        await Envelope.AssertAsync(response, HttpStatusCode.GatewayTimeout, ErrorCodes.GatewayTimeout);
    }

    [Fact]
    public async Task Backends_refuse_requests_that_did_not_come_through_the_edge()
    {
        // Straight to the backend, with forged identity headers and a made-up signature.
        using var client = new HttpClient { BaseAddress = edge.BackendAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/agents/agent-1/tasks");
        request.Headers.Add(GatewayHeaders.TenantId, "acme");
        request.Headers.Add(GatewayHeaders.ClientId, "agentcore-service");
        request.Headers.Add(GatewayHeaders.Timestamp, DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(GatewayHeaders.Signature, "forged");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
