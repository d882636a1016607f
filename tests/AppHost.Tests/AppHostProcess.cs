using System.Diagnostics;
using System.Reflection;

namespace AgentCore.Gateway.AppHost.Tests;

/// <summary>Runs the built AppHost as a user would, and reports how it ended.</summary>
internal static class AppHostProcess
{
    public static Task<(int ExitCode, string Output)> RunUntilExitAsync(TimeSpan limit, params string[] arguments) =>
        RunWithPathUntilExitAsync(limit, path: null, arguments);

    /// <summary>
    /// Runs the AppHost with <paramref name="path"/> as its whole PATH (with the .NET host's own folder added, which
    /// holds nothing else): a machine where only what that PATH holds is installed.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunWithPathUntilExitAsync(TimeSpan limit, string? path, params string[] arguments)
    {
        var projectPath = Projects.AppHost.ProjectPath;
        var configuration = typeof(AppHostProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var dotnet = DotnetHost();
        var startInfo = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (path is not null)
        {
            startInfo.Environment["PATH"] = string.Join(Path.PathSeparator, path, Path.GetDirectoryName(dotnet));
        }

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

    /// <summary>The real <c>dotnet</c> executable (not a symlink in a shared bin folder), so its folder holds no other program.</summary>
    private static string DotnetHost()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "dotnet"))
            .FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("dotnet is not on PATH.");
        return new FileInfo(onPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? onPath;
    }
}
