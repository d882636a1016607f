using System.Diagnostics;

namespace AgentCore.Gateway.AppHost.Tests;

public sealed class InfrastructureModeTests
{
    private static readonly TimeSpan ExitLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Local_mode_without_postgres_binaries_exits_with_install_advice()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-postgres-" + Guid.NewGuid().ToString("N"));

        var (exitCode, output) = await AppHostProcess.RunUntilExitAsync(
            ExitLimit,
            "--Infrastructure:Mode=local", "--Infrastructure:Ephemeral=true", $"--Infrastructure:PostgresBinDirectory={missing}");

        Assert.Equal(2, exitCode);
        Assert.Contains("PostgreSQL server binaries", output, StringComparison.Ordinal);
        Assert.Contains("apt-get install postgresql", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Containers_mode_without_a_container_daemon_exits_with_advice()
    {
        if (ContainerDaemonAnswers())
        {
            Assert.Skip("A container daemon runs here, so containers mode would start; the refusal cannot be observed.");
        }

        var (exitCode, output) = await AppHostProcess.RunUntilExitAsync(ExitLimit, "--Infrastructure:Mode=containers");

        Assert.Equal(2, exitCode);
        Assert.Contains("container daemon", output, StringComparison.Ordinal);
        Assert.Contains("Infrastructure:Mode=local", output, StringComparison.Ordinal);
    }

    private static bool ContainerDaemonAnswers()
    {
        try
        {
            using var docker = Process.Start(new ProcessStartInfo("docker", "info") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            return docker.WaitForExit(TimeSpan.FromSeconds(10)) && docker.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
