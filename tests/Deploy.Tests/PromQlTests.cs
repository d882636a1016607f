namespace AgentCore.Gateway.Deploy.Tests;

/// <summary>The name extraction that the metric-existence checks rely on.</summary>
public sealed class PromQlTests
{
    [Theory]
    [InlineData("sum(rate(requests_blocked_total{job=\"edge\"}[5m])) / sum(rate(http_server_request_duration_seconds_count{job=\"edge\"}[5m])) > 0.1",
        "requests_blocked_total http_server_request_duration_seconds_count")]
    [InlineData("histogram_quantile(0.95, sum by (le, http_route) (rate(x_bucket{a=~\"b|c\"}[5m])))", "x_bucket")]
    [InlineData("max by (cluster) (max_over_time(gateway_edge_cluster_open_breakers{job=\"edge\"}[1m])) > 0", "gateway_edge_cluster_open_breakers")]
    [InlineData("sum by (s) (label_replace(rate(a_total[5m]), \"s\", \"${1}xx\", \"code\", \"([0-9])..\"))", "a_total")]
    [InlineData("a / on (instance) group_left (job) b offset 5m and bool c", "a b c")]
    [InlineData("up{job=~\"edge|identity\"} == 1e3", "up")]
    public void Metric_names_are_the_selected_series_only(string expression, string expected)
    {
        Assert.Equal(expected.Split(' ').Order(StringComparer.Ordinal), PromQl.MetricNames(expression).Order(StringComparer.Ordinal));
    }
}
