using System.Diagnostics;

namespace AgentCore.Gateway.TestSupport;

/// <summary>Runs a short-lived tool (initdb, slapadd, ldapmodify, ...) to completion and fails loudly with its output.</summary>
internal static class Command
{
    public static void Run(string command, IReadOnlyList<string> arguments, string? input = null)
    {
        var startInfo = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }

        if (!process.WaitForExit(TimeSpan.FromSeconds(60)) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} failed:\n{output.Result}{error.Result}");
        }
    }
}
