using System.Diagnostics;
using System.Globalization;

namespace AgentCore.Gateway.Bench.Realtime;

/// <summary>
/// Load on one core, servers on the other (/work/shared/notes/perf-baselines.md): <c>run.sh</c> starts the bench on
/// the servers' core (<c>taskset -c 1</c>); the bench starts every server there (a child inherits the affinity of the
/// thread that starts it) and then moves all of its own threads to the load core.
/// </summary>
internal static class CpuPinning
{
    /// <summary>Moves every thread of this process to <paramref name="cpu"/>; threads started later inherit it.</summary>
    public static void MoveSelfTo(int cpu)
    {
        var startInfo = new ProcessStartInfo("taskset") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-a", "-p", "-c", cpu.ToString(CultureInfo.InvariantCulture), Environment.ProcessId.ToString(CultureInfo.InvariantCulture) })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var taskset = Process.Start(startInfo)!;
        taskset.StandardOutput.ReadToEnd();
        taskset.WaitForExit();
    }
}
