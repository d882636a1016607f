using System.Diagnostics.Metrics;
using System.Net;
using AgentCore.Gateway.Edge.Resilience;
using AgentCore.Gateway.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AgentCore.Gateway.Edge.Tests.Resilience;

/// <summary>
/// The Edge with two more clusters whose only destination is a loopback port nobody listens on: <c>down</c>, with a
/// circuit breaker, and <c>refusing</c>, without one, so that every request reaches the refused connection.
/// </summary>
public sealed class DownBackendEdgeFixture : EdgeFixture
{
    protected override void Configure(IWebHostBuilder web)
    {
        web.UseSetting("ReverseProxy:Routes:down:ClusterId", "down");
        web.UseSetting("ReverseProxy:Routes:down:Match:Path", "/down/{**rest}");
        web.UseSetting("ReverseProxy:Clusters:down:Destinations:primary:Address", $"http://127.0.0.1:{FreePort.Next()}");
        web.UseSetting("ReverseProxy:Clusters:down:HealthCheck:Passive:Enabled", "true");
        web.UseSetting("ReverseProxy:Clusters:down:HealthCheck:Passive:Policy", "TransportFailureRate");
        web.UseSetting("ReverseProxy:Clusters:down:HealthCheck:Passive:ReactivationPeriod", "00:05:00");
        web.UseSetting("ReverseProxy:Clusters:down:Metadata:TransportFailureRateHealthPolicy.RateLimit", "0.5");
        web.UseSetting("ReverseProxy:Routes:refusing:ClusterId", "refusing");
        web.UseSetting("ReverseProxy:Routes:refusing:Match:Path", "/refusing/{**rest}");
        web.UseSetting("ReverseProxy:Clusters:refusing:Destinations:primary:Address", $"http://127.0.0.1:{FreePort.Next()}");
    }
}

public sealed class CircuitBreakerMetricTests(DownBackendEdgeFixture edge) : IClassFixture<DownBackendEdgeFixture>
{
    [Fact]
    public async Task Transport_failures_open_the_breaker_and_the_open_breakers_gauge_shows_it_per_cluster()
    {
        // Read through this Edge's own meter factory: other Edges in the test process export meters of the same name.
        using var gauge = new MetricCollector<int>(
            edge.Services.GetRequiredService<IMeterFactory>(), EdgeProxyMetrics.MeterName, "gateway.edge.cluster.open_breakers");
        using var client = edge.CreateClient();
        Assert.Equal(0, OpenBreakers(gauge, "down"));

        // Enough failed forwards for the failure-rate policy (10 requests at least in its window) to open the breaker.
        for (var attempt = 0; attempt < 15 && OpenBreakers(gauge, "down") == 0; attempt++)
        {
            using var response = await client.GetAsync("/down/anything", TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable, $"got {response.StatusCode}");
        }

        Assert.Equal(1, OpenBreakers(gauge, "down"));
        Assert.Equal(0, OpenBreakers(gauge, "audit"));

        // And the Prometheus scrape carries it under the name the alert selects.
        var exposition = await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Contains("gateway_edge_cluster_open_breakers{", exposition, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task A_backend_that_refuses_the_connection_is_503_with_retry_after_since_nothing_reached_it(string method)
    {
        using var client = edge.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), "/refusing/tasks");
        if (method == "POST")
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await Envelope.AssertAsync(response, HttpStatusCode.ServiceUnavailable, AgentCore.Gateway.Contracts.ErrorCodes.ServiceUnavailable);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After says when to come back.");
    }

    private static int OpenBreakers(MetricCollector<int> gauge, string cluster)
    {
        gauge.RecordObservableInstruments();
        return gauge.GetMeasurementSnapshot().Last(measurement => (string?)measurement.Tags["cluster"] == cluster).Value;
    }
}
