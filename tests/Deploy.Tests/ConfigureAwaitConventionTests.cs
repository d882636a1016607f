namespace AgentCore.Gateway.Deploy.Tests;

/// <summary>
/// ConfigureAwait is decided once (LibraryCode.globalconfig): libraries call ConfigureAwait(false) on every await, which
/// the build enforces with CA2007; application code runs where there is no synchronization context and awaits plainly.
/// No analyzer reports a ConfigureAwait that is not needed, so this test holds application code to its half.
/// </summary>
public sealed class ConfigureAwaitConventionTests
{
    private static readonly string[] ApplicationProjects =
        ["AppHost", "Gateway.Audit", "Gateway.Edge", "Gateway.Identity", "Gateway.Realtime", "samples", "bench", "tests"];

    [Fact]
    public void Application_code_awaits_without_ConfigureAwait()
    {
        var offenders = ApplicationProjects
            .SelectMany(project => Directory.EnumerateFiles(RepositoryFiles.PathOf(project), "*.cs", SearchOption.AllDirectories))
            .Where(file => !IsBuildOutput(file) && !file.EndsWith(nameof(ConfigureAwaitConventionTests) + ".cs", StringComparison.Ordinal))
            .Where(file => File.ReadAllText(file).Contains(".ConfigureAwait(", StringComparison.Ordinal))
            .Select(file => Path.GetRelativePath(RepositoryFiles.Root, file))
            .ToList();

        Assert.True(offenders.Count == 0, "Application code calls ConfigureAwait:\n" + string.Join('\n', offenders));
    }

    private static bool IsBuildOutput(string file) =>
        file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
        || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal);
}
