using System.Net;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Edge.Tests;

/// <summary>The Edge answers only to its own names, so nothing it or a backend builds can name a host a client chose.</summary>
public sealed class AllowedHostsTests(EdgeFixture edge) : IClassFixture<EdgeFixture>
{
    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:8080")]
    [InlineData("localhost.evil.example")]
    public async Task A_request_for_another_host_is_refused_with_400_and_the_envelope(string host)
    {
        using var client = edge.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connect/authorize?client_id=agentcore-cli");
        request.Headers.Host = host;

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await Envelope.AssertAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest);
        Assert.Null(response.Headers.Location);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("gateway.test")]
    public async Task The_issuers_host_and_in_development_localhost_are_served(string host)
    {
        using var client = edge.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/health");
        request.Headers.Host = host;

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.NotEqual(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
