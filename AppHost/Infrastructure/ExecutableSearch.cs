namespace AgentCore.Gateway.AppHost.Infrastructure;

/// <summary>Finds programs the way a shell would, so that the AppHost, its tests and TestSupport agree on what is installed.</summary>
internal static class ExecutableSearch
{
    /// <summary>The first file named <paramref name="program"/> in a directory of <c>PATH</c>, or null.</summary>
    public static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
}
