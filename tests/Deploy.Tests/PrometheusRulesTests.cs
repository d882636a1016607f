namespace AgentCore.Gateway.Deploy.Tests;

public sealed class PrometheusRulesTests
{
    /// <summary>The spec's five alerts (Monitoring section).</summary>
    private static readonly string[] SpecAlerts =
        ["GatewayLatencyHigh", "GatewayErrorRateHigh", "WebSocketConnectionsNearCapacity", "RateLimitingBlockingHigh", "BackendCircuitBreakerOpen"];

    [Fact]
    public async Task The_rule_files_are_valid()
    {
        var (exitCode, output) = await Promtool.RunAsync(["check", "rules", .. RepositoryFiles.RuleFiles]);

        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task Each_alert_fires_on_a_series_that_should_trip_it_and_stays_quiet_on_one_that_should_not()
    {
        var tests = Directory.GetFiles(RepositoryFiles.PathOf("deploy", "prometheus", "tests"), "*.test.yml");

        var (exitCode, output) = await Promtool.RunAsync(["test", "rules", .. tests]);

        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_rules_hold_the_spec_s_five_alerts_and_each_has_a_unit_test()
    {
        var alerts = RepositoryFiles.RuleFiles.SelectMany(PromQl.RuleExpressions).Select(rule => rule.Name).ToList();
        var tests = string.Concat(Directory.GetFiles(RepositoryFiles.PathOf("deploy", "prometheus", "tests")).Select(File.ReadAllText));

        Assert.Equal(SpecAlerts.Order(StringComparer.Ordinal), alerts.Order(StringComparer.Ordinal));
        Assert.All(SpecAlerts, alert => Assert.Contains($"alertname: {alert}", tests, StringComparison.Ordinal));
    }
}
