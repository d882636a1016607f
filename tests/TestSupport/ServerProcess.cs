using System.Diagnostics;
using System.Text;

namespace AgentCore.Gateway.TestSupport;

/// <summary>A server process owned by a test fixture: started, stopped (to simulate an outage) and started again.</summary>
public sealed class ServerProcess : IDisposable
{
    private readonly ProcessStartInfo startInfo;
    private readonly StringBuilder output = new();
    private Process? process;

    public ServerProcess(string command, IEnumerable<string> arguments)
    {
        startInfo = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
    }

    public bool IsRunning => process is { HasExited: false };

    /// <summary>What the server printed, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public void Start()
    {
        if (IsRunning)
        {
            return;
        }

        process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {startInfo.FileName}.");
        process.OutputDataReceived += (_, line) => Append(line.Data);
        process.ErrorDataReceived += (_, line) => Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Stops the server with SIGTERM (a clean shutdown) and waits for it to exit.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (process is null || process.HasExited)
        {
            return;
        }

        Signal("TERM");
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    public void Dispose()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }

        process?.Dispose();
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
