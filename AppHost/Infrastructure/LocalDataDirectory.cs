using System.Diagnostics;
using System.Security.Cryptography;

namespace AgentCore.Gateway.AppHost.Infrastructure;

/// <summary>
/// The folder that <c>local</c> mode keeps Redis and PostgreSQL data and their generated passwords in.
/// Persistent by default; throw-away when <see cref="InfrastructureOptions.Ephemeral"/> is set.
/// </summary>
internal sealed class LocalDataDirectory
{
    private const string EphemeralPrefix = "agentcore-gateway-ephemeral-";

    private LocalDataDirectory(string root, bool ephemeral)
    {
        Root = root;
        Ephemeral = ephemeral;
    }

    public string Root { get; }

    public bool Ephemeral { get; }

    public string PathOf(string child) => Path.Combine(Root, child);

    public static LocalDataDirectory Prepare(InfrastructureOptions options)
    {
        if (options.Ephemeral)
        {
            SweepAbandonedEphemeralDirectories();
            var root = Path.Combine(Path.GetTempPath(), EphemeralPrefix + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }

            Directory.CreateDirectory(root);
            var directory = new LocalDataDirectory(root, ephemeral: true);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => directory.TryDelete();
            return directory;
        }

        var persistent = options.DataDirectory
            ?? (ProcessUser.IsRoot
                ? "/var/lib/agentcore-gateway"
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "agentcore-gateway"));
        Directory.CreateDirectory(persistent);
        return new LocalDataDirectory(Path.GetFullPath(persistent), ephemeral: false);
    }

    /// <summary>
    /// A password generated on first use and kept beside the data it protects, readable only by its owner,
    /// so that persistent data stays reachable across restarts without a secret in code or configuration.
    /// </summary>
    public string GetOrCreateSecret(string name)
    {
        var secrets = PathOf("secrets");
        Directory.CreateDirectory(secrets);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(secrets, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var path = Path.Combine(secrets, name);
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        WritePrivateFile(path, secret);
        return secret;
    }

    /// <summary>Writes a file that only its owner may read, for anything that holds a secret.</summary>
    public static void WritePrivateFile(string path, string contents)
    {
        File.WriteAllText(path, contents);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private void TryDelete()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A server may still hold files open during shutdown; the next start sweeps the folder.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above: swept at the next start.
        }
    }

    private static void SweepAbandonedEphemeralDirectories()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), EphemeralPrefix + "*"))
        {
            var suffix = Path.GetFileName(directory)[EphemeralPrefix.Length..];
            if (int.TryParse(suffix, System.Globalization.CultureInfo.InvariantCulture, out var pid) && !IsRunning(pid))
            {
                new LocalDataDirectory(directory, ephemeral: true).TryDelete();
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
