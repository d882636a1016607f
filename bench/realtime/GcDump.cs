using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace AgentCore.Gateway.Bench.Realtime;

/// <summary>
/// The managed heap of a process by type, through <c>dotnet-gcdump</c> (the repository's tool manifest; it forces a
/// full GC first, so what it counts is what is alive). Optional: without the tool the bench reports resident memory only.
/// </summary>
internal static partial class GcDump
{
    /// <summary>Collects a dump into <paramref name="file"/>; returns its report (types by size) or null when the tool is missing.</summary>
    public static async Task<GcDumpReport?> CollectAsync(int processId, string file)
    {
        var collect = await RunAsync("collect", "-p", processId.ToString(CultureInfo.InvariantCulture), "-o", file);
        if (collect is null || !File.Exists(file))
        {
            return null;
        }

        var report = await RunAsync("report", file);
        return report is null ? null : GcDumpReport.Parse(report);
    }

    private static async Task<string?> RunAsync(params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        startInfo.ArgumentList.Add("tool");
        startInfo.ArgumentList.Add("run");
        startInfo.ArgumentList.Add("dotnet-gcdump");
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(startInfo)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                Console.Error.WriteLine($"dotnet-gcdump {arguments[0]} failed: {await errors}");
                return null;
            }

            return await output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}

/// <summary>
/// A <c>dotnet-gcdump report</c>: the heap's total, and objects by type. The report gives one object's size per type
/// (arrays are grouped by size class), so a type's bytes are that size times its count: exact for classes, an
/// estimate for arrays.
/// </summary>
internal sealed partial class GcDumpReport
{
    private GcDumpReport(long totalBytes, IReadOnlyList<(long Bytes, long Count, string Type)> types)
    {
        TotalBytes = totalBytes;
        Types = types;
    }

    /// <summary>What every live object takes, together.</summary>
    public long TotalBytes { get; }

    /// <summary>Types by the bytes of their objects (not counting what those refer to), largest first.</summary>
    public IReadOnlyList<(long Bytes, long Count, string Type)> Types { get; }

    public static GcDumpReport Parse(string report)
    {
        long total = 0;
        var types = new List<(long, long, string)>();
        foreach (var line in report.Split('\n'))
        {
            if (Total().Match(line) is { Success: true } heap)
            {
                total = Number(heap.Groups[1].Value);
            }
            else if (Row().Match(line) is { Success: true } row)
            {
                var (size, count) = (Number(row.Groups[1].Value), Number(row.Groups[2].Value));
                types.Add((size * count, count, row.Groups[3].Value.Trim()));
            }
        }

        return new GcDumpReport(total, [.. types.OrderByDescending(type => type.Item1)]);
    }

    private static long Number(string digits) => long.Parse(digits.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\s*([\d,]+)\s+GC Heap bytes")]
    private static partial Regex Total();

    [GeneratedRegex(@"^\s*([\d,]+)\s+([\d,]+)\s+(.+)$")]
    private static partial Regex Row();
}
