namespace AgentCore.Gateway.AppHost.Tests;

public sealed class PrometheusOnRequestTests
{
    [Fact]
    public async Task Prometheus_on_request_without_the_binary_exits_with_install_advice()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-prometheus-" + Guid.NewGuid().ToString("N"), "prometheus");

        var (exitCode, output) = await AppHostProcess.RunUntilExitAsync(
            TimeSpan.FromSeconds(30),
            "--Infrastructure:Mode=external", "--Observability:Prometheus=true", $"--Observability:PrometheusPath={missing}");

        Assert.Equal(2, exitCode);
        Assert.Contains("needs the prometheus binary", output, StringComparison.Ordinal);
        Assert.Contains("apt-get install prometheus", output, StringComparison.Ordinal);
    }
}
