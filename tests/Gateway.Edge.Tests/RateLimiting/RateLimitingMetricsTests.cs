using System.Diagnostics.Metrics;
using AgentCore.Gateway.Edge.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace AgentCore.Gateway.Edge.Tests.RateLimiting;

public sealed class RateLimitingMetricsTests
{
    [Fact]
    public void QuotaUtilization_AdvisesBucketsForAShareBetweenZeroAndOne()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _ = new RateLimitingMetrics(services.GetRequiredService<IMeterFactory>());
        Histogram<double>? histogram = null;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == RateLimitingMetrics.MeterName && instrument.Name == "quota_utilization")
                {
                    histogram = (Histogram<double>)instrument;
                }
            },
        };

        listener.Start();

        Assert.NotNull(histogram);
        var buckets = histogram.Advice?.HistogramBucketBoundaries;
        Assert.NotNull(buckets);
        Assert.All(buckets, boundary => Assert.InRange(boundary, 0.0, 1.0));
        Assert.True(buckets.Count >= 5, "a share needs several buckets between 0 and 1");
    }
}
