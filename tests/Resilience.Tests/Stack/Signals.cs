using System.Globalization;
using System.Runtime.InteropServices;

namespace AgentCore.Gateway.Resilience.Tests.Stack;

/// <summary>POSIX signals to processes the stack's orchestrator started, by process id (never by name).</summary>
internal static partial class Signals
{
    public const int Interrupt = 2;
    public const int Kill = 9;

    public static void Send(int processId, int signal)
    {
        if (SendSignal(processId, signal) != 0)
        {
            throw new InvalidOperationException($"kill({processId}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>The one child of <paramref name="parent"/> (the service a <c>dotnet run</c> started), from <c>/proc</c>.</summary>
    public static int ChildOf(int parent)
    {
        var children = Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => name!.All(char.IsAsciiDigit))
            .Select(name => int.Parse(name!, CultureInfo.InvariantCulture))
            .Where(pid => ParentOf(pid) == parent)
            .ToList();
        return children.Count == 1
            ? children[0]
            : throw new InvalidOperationException($"Process {parent} has {children.Count} children; expected the one service it runs.");
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            // The name in parentheses may hold spaces; the fields after it are plain.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
