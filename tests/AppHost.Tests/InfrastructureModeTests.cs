using System.Diagnostics;
using AgentCore.Gateway.AppHost.Infrastructure;

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

    [Theory]
    [InlineData("--Infrastructure:Mode=local")]
    [InlineData("--Infrastructure:Mode=auto")]
    public async Task A_machine_without_redis_server_or_valkey_server_exits_at_once_with_the_install_line(string mode)
    {
        using var emptyBin = new TempBin();

        var (exitCode, output) = await AppHostProcess.RunWithPathUntilExitAsync(ExitLimit, emptyBin.Path, mode, "--Infrastructure:Ephemeral=true");

        Assert.Equal(2, exitCode);
        Assert.Contains("neither redis-server nor valkey-server was found", output, StringComparison.Ordinal);
        Assert.Contains("sudo apt-get install redis-server", output, StringComparison.Ordinal);
        Assert.Contains("brew install redis", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Distributed application started", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redis_server_without_streams_is_refused_before_anything_starts_naming_the_missing_commands()
    {
        // A real redis-server that genuinely lacks the commands, as a Redis-protocol server without Streams does.
        using var bin = new TempBin();
        var realRedis = ExecutableSearch.FindOnPath("redis-server") ?? throw new InvalidOperationException("redis-server is not installed; .ci/run installs it.");
        bin.AddScript("redis-server", $"#!/bin/sh\nexec {realRedis} \"$@\" --rename-command XREADGROUP \"\" --rename-command XAUTOCLAIM \"\"\n");

        var (exitCode, output) = await AppHostProcess.RunWithPathUntilExitAsync(ExitLimit, bin.Path, "--Infrastructure:Mode=local", "--Infrastructure:Ephemeral=true");

        Assert.Equal(2, exitCode);
        Assert.Contains("Redis cannot run XREADGROUP, XAUTOCLAIM", output, StringComparison.Ordinal);
        Assert.Contains("sudo apt-get install redis-server", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Distributed application started", output, StringComparison.Ordinal);
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

    /// <summary>A throw-away folder to stand for a machine's bin folder.</summary>
    private sealed class TempBin : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("apphost-bin-").FullName;

        public void AddScript(string name, string text)
        {
            var file = System.IO.Path.Combine(Path, name);
            File.WriteAllText(file, text);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
