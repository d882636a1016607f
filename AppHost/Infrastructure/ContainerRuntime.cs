using System.ComponentModel;
using System.Diagnostics;

namespace AgentCore.Gateway.AppHost.Infrastructure;

/// <summary>Asks whether a container daemon answers, the way the orchestrator will use it.</summary>
internal static class ContainerRuntime
{
    /// <summary>
    /// True when <c>docker info</c> (or <c>podman info</c> when <c>ASPIRE_CONTAINER_RUNTIME=podman</c>) succeeds in time.
    /// A client without a daemon answers <c>--version</c> but fails <c>info</c>, and containers would then never start.
    /// </summary>
    public static bool IsAvailable(TimeSpan timeout)
    {
        var runtime = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME") ?? "docker";
        try
        {
            using var process = Process.Start(new ProcessStartInfo(runtime, "info")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is null)
            {
                return false;
            }

            process.StandardOutput.ReadToEndAsync();
            process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (Win32Exception)
        {
            return false;
        }
    }
}
