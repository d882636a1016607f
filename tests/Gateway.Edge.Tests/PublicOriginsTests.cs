using System.Net;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.TestSupport;

namespace AgentCore.Gateway.Edge.Tests;

/// <summary>
/// An Edge that answers on two public origins (plain HTTP at the issuer's, and HTTPS beside it): pages served on either
/// are same-origin there, and an origin that is neither is still refused.
/// </summary>
public sealed class PublicOriginsTests(PublicOriginsTests.TwoOriginsEdgeFixture edge) : IClassFixture<PublicOriginsTests.TwoOriginsEdgeFixture>
{
    private const string HttpsOrigin = "https://gateway.test:8443";

    public sealed class TwoOriginsEdgeFixture : EdgeFixture
    {
        protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
        {
            ["Cors:PublicOrigins:0"] = HttpsOrigin,
        };
    }

    [Theory]
    [InlineData(HttpsOrigin)]
    [InlineData("http://gateway.test")]
    public async Task A_request_from_either_public_origin_is_same_origin(string origin)
    {
        Assert.Equal("http://gateway.test", new Uri(GatewayTokenServer.Issuer).GetLeftPart(UriPartial.Authority));
        using var client = edge.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/login") { Content = new FormUrlEncodedContent([new("username", "alice")]) };
        request.Headers.Add("Origin", origin);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"), "Same-origin answers need no CORS headers.");
    }

    [Theory]
    [InlineData("https://gateway.test")]
    [InlineData("https://gateway.test:9443")]
    public async Task Another_port_or_scheme_of_the_same_host_is_still_cross_origin(string origin)
    {
        using var client = edge.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/health");
        request.Headers.Add("Origin", origin);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await Envelope.AssertAsync(response, HttpStatusCode.Forbidden, ErrorCodes.AuthorizationDenied);
    }
}
