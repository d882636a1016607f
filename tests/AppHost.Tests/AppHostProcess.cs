using System.Diagnostics;
using System.Reflection;

namespace AgentCore.Gateway.AppHost.Tests;

/// <summary>Runs the built AppHost as a user would, and reports how it ended.</summary>
internal static class AppHostProcess
{
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(TimeSpan limit, params string[] arguments)
    {
        var projectPath = Projects.AppHost.ProjectPath;
        var configuration = typeof(AppHostProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "run", "--no-build", "-c", configuration, "--project", projectPath, "--" }.Concat(arguments))
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The AppHost was still running after {limit}; it must exit on its own.\n{await output}{await error}");
        }

        return (process.ExitCode, await output + await error);
    }
}
