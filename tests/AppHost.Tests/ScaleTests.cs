using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace AgentCore.Gateway.AppHost.Tests;

/// <summary>The Scale settings as the app model shows them, without starting anything (external infrastructure).</summary>
public sealed class ScaleTests
{
    [Fact]
    public async Task By_default_realtime_runs_two_replicas_and_every_replica_serves_on_ports_of_its_own()
    {
        var resources = await ModelAsync();

        var projects = resources.OfType<ProjectResource>().Select(project => project.Name).Order(StringComparer.Ordinal);
        Assert.Equal(["agentruntime", "agenttools", "audit", "edge", "identity", "realtime", "realtime-2"], projects);
        Assert.DoesNotContain(resources, resource => resource.Name == "edge-proxy");
        var endpoints = resources.OfType<ProjectResource>().SelectMany(project => project.Annotations.OfType<EndpointAnnotation>()).ToList();
        Assert.All(endpoints, endpoint => Assert.False(endpoint.IsProxied, $"{endpoint.Name} is behind the orchestrator's proxy"));
        Assert.Equal(endpoints.Count, endpoints.Select(endpoint => endpoint.Port).Distinct().Count());
        Assert.Contains(endpoints, endpoint => endpoint.Name == "http" && endpoint.Port == 8080);
    }

    [Fact]
    public async Task Replicas_come_from_the_command_line_and_several_edges_sit_behind_nginx_on_the_public_port()
    {
        var resources = await ModelAsync("--Scale:Edge=2", "--Scale:Realtime=3", "--Scale:AgentRuntime=2", "--Scale:Audit=2", "--Edge:Port=18181");

        var projects = resources.OfType<ProjectResource>().Select(project => project.Name).Order(StringComparer.Ordinal);
        Assert.Equal(["agentruntime", "agentruntime-2", "agenttools", "audit", "audit-2", "edge", "edge-2", "identity", "realtime", "realtime-2", "realtime-3"], projects);
        var front = Assert.Single(resources, resource => resource.Name == "edge-proxy");
        Assert.Contains(front.Annotations.OfType<EndpointAnnotation>(), endpoint => endpoint.Name == "http" && endpoint.Port == 18181 && !endpoint.IsProxied);
        Assert.DoesNotContain(
            resources.OfType<ProjectResource>().SelectMany(project => project.Annotations.OfType<EndpointAnnotation>()),
            endpoint => endpoint.Port == 18181);
    }

    [Fact]
    public async Task Several_edges_without_nginx_exit_with_install_advice()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-nginx-" + Guid.NewGuid().ToString("N"), "nginx");

        var (exitCode, output) = await AppHostProcess.RunUntilExitAsync(
            TimeSpan.FromSeconds(30), "--Infrastructure:Mode=external", "--Scale:Edge=2", $"--Scale:NginxPath={missing}");

        Assert.Equal(2, exitCode);
        Assert.Contains("needs nginx in front of them", output, StringComparison.Ordinal);
        Assert.Contains("apt-get install nginx-light", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Scale:Realtime=0")]
    [InlineData("--Scale:Edge=9")]
    public async Task A_replica_count_out_of_range_exits_naming_the_setting(string setting)
    {
        var (exitCode, output) = await AppHostProcess.RunUntilExitAsync(TimeSpan.FromSeconds(30), "--Infrastructure:Mode=external", setting);

        Assert.Equal(2, exitCode);
        Assert.Contains(setting[2..setting.IndexOf('=', StringComparison.Ordinal)] + " is ", output, StringComparison.Ordinal);
    }

    private static async Task<IReadOnlyList<IResource>> ModelAsync(params string[] arguments)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--Infrastructure:Mode=external", .. arguments], TestContext.Current.CancellationToken);
        return [.. builder.Resources];
    }
}
