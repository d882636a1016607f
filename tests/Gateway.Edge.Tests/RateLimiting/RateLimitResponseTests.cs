using System.Net;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Edge.RateLimiting;

namespace AgentCore.Gateway.Edge.Tests.RateLimiting;

public sealed class RateLimitResponseTests(RedisRig rig) : IClassFixture<RedisRig>
{
    [Fact]
    public async Task Past_the_limit_the_edge_answers_429_with_the_envelope_and_rate_limit_headers()
    {
        await using var host = await RateLimitedHost.StartAsync(rig.Server.ConnectionString, new Dictionary<string, string?>());
        var cancellationToken = TestContext.Current.CancellationToken;

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? admitted = null;
        HttpResponseMessage? refused = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var response = await host.Client.GetAsync(new Uri("/limited", UriKind.Relative), cancellationToken);
            statuses.Add(response.StatusCode);
            if (response.IsSuccessStatusCode)
            {
                admitted?.Dispose();
                admitted = response;
            }
            else
            {
                refused?.Dispose();
                refused = response;
            }
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        using (admitted)
        using (refused)
        {
            Assert.Equal("\"quota\";q=3;w=60", Assert.Single(admitted!.Headers.GetValues(RateLimitHeaders.PolicyHeader)));
            Assert.StartsWith("\"quota\";r=0;t=", Assert.Single(admitted.Headers.GetValues(RateLimitHeaders.StateHeader)), StringComparison.Ordinal);

            var retryAfter = refused!.Headers.RetryAfter?.Delta;
            Assert.NotNull(retryAfter);
            Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
            Assert.Equal("\"quota\";q=3;w=60", Assert.Single(refused.Headers.GetValues(RateLimitHeaders.PolicyHeader)));
            var error = (await refused.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("error");
            Assert.Equal(ErrorCodes.RateLimitExceeded, error.GetProperty("code").GetString());
            Assert.Equal(host.Policy, error.GetProperty("details").GetProperty("policy").GetString());
            Assert.Equal(Assert.Single(refused.Headers.GetValues(GatewayHeaders.RequestId)), error.GetProperty("request_id").GetString());
        }
    }

    [Fact]
    public async Task A_spoofed_forwarded_for_from_an_untrusted_peer_changes_nothing()
    {
        await using var host = await RateLimitedHost.StartAsync(rig.Server.ConnectionString, new Dictionary<string, string?>());

        var seen = await AddressSeenAsync(host, "203.0.113.9");

        Assert.Equal("127.0.0.1", seen);
    }

    [Fact]
    public async Task A_forwarded_for_from_a_trusted_proxy_names_the_client()
    {
        await using var host = await RateLimitedHost.StartAsync(
            rig.Server.ConnectionString,
            new Dictionary<string, string?> { ["ClientAddresses:TrustedProxies:0"] = "127.0.0.1" });

        var seen = await AddressSeenAsync(host, "203.0.113.9");

        Assert.Equal("203.0.113.9", seen);
    }

    [Fact]
    public async Task Spoofed_forwarded_for_values_do_not_escape_the_limit()
    {
        await using var host = await RateLimitedHost.StartAsync(rig.Server.ConnectionString, new Dictionary<string, string?>());

        var admitted = 0;
        for (var attempt = 0; attempt < 6; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/limited");
            request.Headers.Add("X-Forwarded-For", $"198.51.100.{attempt}");
            using var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);
            admitted += response.IsSuccessStatusCode ? 1 : 0;
        }

        Assert.Equal(3, admitted);
    }

    private static async Task<string> AddressSeenAsync(RateLimitedHost host, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/address");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }
}
