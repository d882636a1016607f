namespace AgentCore.Gateway.AppHost.Infrastructure;

/// <summary>Finds the PostgreSQL server binaries (<c>postgres</c> and <c>initdb</c>) on this machine.</summary>
internal static class PostgresBinaries
{
    /// <summary>
    /// The folder holding both <c>postgres</c> and <c>initdb</c>: <paramref name="configured"/> when given (and only if it
    /// holds them), otherwise the first found on PATH or in the usual locations, newest version first; null when none is.
    /// </summary>
    public static string? FindDirectory(string? configured = null)
    {
        if (configured is not null)
        {
            return Exists(configured, "postgres") && Exists(configured, "initdb") ? configured : null;
        }

        var candidates = new List<string>();
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        candidates.AddRange(VersionedDirectories("/usr/lib/postgresql", "bin"));
        candidates.AddRange(VersionedDirectories("/usr", "bin", prefix: "pgsql-"));
        candidates.AddRange(VersionedDirectories("/opt/homebrew/opt", "bin", prefix: "postgresql@"));
        candidates.AddRange(VersionedDirectories("/usr/local/opt", "bin", prefix: "postgresql@"));
        candidates.Add("/usr/local/pgsql/bin");
        return candidates.FirstOrDefault(directory => Exists(directory, "postgres") && Exists(directory, "initdb"));
    }

    private static IEnumerable<string> VersionedDirectories(string parent, string child, string prefix = "")
    {
        if (!Directory.Exists(parent))
        {
            return [];
        }

        return Directory.EnumerateDirectories(parent, prefix + "*")
            .Select(directory => (directory, version: ParseVersion(Path.GetFileName(directory)[prefix.Length..])))
            .Where(entry => entry.version > 0)
            .OrderByDescending(entry => entry.version)
            .Select(entry => Path.Combine(entry.directory, child));
    }

    private static double ParseVersion(string text) =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var version) ? version : 0;

    private static bool Exists(string directory, string program) =>
        File.Exists(Path.Combine(directory, program)) || File.Exists(Path.Combine(directory, program + ".exe"));
}
