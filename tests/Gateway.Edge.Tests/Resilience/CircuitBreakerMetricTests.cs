using System.Net;
using AgentCore.Gateway.TestSupport;
using Microsoft.AspNetCore.Hosting;

namespace AgentCore.Gateway.Edge.Tests.Resilience;

/// <summary>The Edge with one more cluster, <c>down</c>, whose only destination is a loopback port nobody listens on.</summary>
public sealed class DownBackendEdgeFixture : EdgeFixture
{
    protected override void ConfigureEdge(IWebHostBuilder web)
    {
        web.UseSetting("ReverseProxy:Routes:down:ClusterId", "down");
        web.UseSetting("ReverseProxy:Routes:down:Match:Path", "/down/{**rest}");
        web.UseSetting("ReverseProxy:Clusters:down:Destinations:primary:Address", $"http://127.0.0.1:{FreePort.Next()}");
        web.UseSetting("ReverseProxy:Clusters:down:HealthCheck:Passive:Enabled", "true");
        web.UseSetting("ReverseProxy:Clusters:down:HealthCheck:Passive:Policy", "TransportFailureRate");
        web.UseSetting("ReverseProxy:Clusters:down:HealthCheck:Passive:ReactivationPeriod", "00:05:00");
        web.UseSetting("ReverseProxy:Clusters:down:Metadata:TransportFailureRateHealthPolicy.RateLimit", "0.5");
    }
}

public sealed class CircuitBreakerMetricTests(DownBackendEdgeFixture edge) : IClassFixture<DownBackendEdgeFixture>
{
    [Fact]
    public async Task Transport_failures_open_the_breaker_and_the_open_breakers_gauge_shows_it_per_cluster()
    {
        using var client = edge.CreateClient();
        Assert.Equal(0, await OpenBreakersAsync(client, "down"));

        // Enough failed forwards for the failure-rate policy (10 requests at least in its window) to open the breaker.
        for (var attempt = 0; attempt < 15 && await OpenBreakersAsync(client, "down") == 0; attempt++)
        {
            using var response = await client.GetAsync("/down/anything", TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable, $"got {response.StatusCode}");
        }

        Assert.Equal(1, await OpenBreakersAsync(client, "down"));
        Assert.Equal(0, await OpenBreakersAsync(client, "audit"));
    }

    private static async Task<int> OpenBreakersAsync(HttpClient client, string cluster)
    {
        var exposition = await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        var line = exposition.Split('\n').Single(line =>
            line.StartsWith("gateway_edge_cluster_open_breakers{", StringComparison.Ordinal) && line.Contains($"cluster=\"{cluster}\"", StringComparison.Ordinal));
        return int.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
