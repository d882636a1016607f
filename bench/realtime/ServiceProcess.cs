using System.Diagnostics;
using System.Globalization;

namespace AgentCore.Gateway.Bench.Realtime;

/// <summary>
/// A gateway service (a built <c>.dll</c>) as its own process, so that its memory and CPU are measured apart from the
/// load client. It inherits the bench's CPU affinity at start (see <see cref="CpuPinning"/>).
/// </summary>
internal sealed class ServiceProcess : IDisposable
{
    private readonly Process process;

    private ServiceProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
    }

    public Uri Address { get; }

    public int Id => process.Id;

    /// <summary>
    /// Starts <paramref name="assembly"/> (or, for <c>bare</c>, this bench's own <see cref="BareServer"/>) on a free
    /// loopback port and waits until <c>/health</c> answers.
    /// </summary>
    public static async Task<ServiceProcess> StartAsync(string name, string assembly, IReadOnlyDictionary<string, string> settings)
    {
        var bare = assembly == "bare";
        assembly = bare ? typeof(ServiceProcess).Assembly.Location : Path.GetFullPath(assembly);
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"{name}: build it first (Release).", assembly);
        }

        var address = new Uri($"http://127.0.0.1:{TestSupport.FreePort.Next().ToString(CultureInfo.InvariantCulture)}");
        var startInfo = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        startInfo.ArgumentList.Add(assembly);
        if (bare)
        {
            startInfo.ArgumentList.Add("bare-server");

            // The bench itself runs on workstation GC; the floor must run on the server GC that Realtime runs on.
            startInfo.Environment["DOTNET_gcServer"] = "1";
        }

        startInfo.Environment["ASPNETCORE_URLS"] = address.ToString();
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        startInfo.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            startInfo.Environment[key] = value;
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{name} did not start.");
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) Console.Error.WriteLine($"{name}: {line.Data}"); };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) Console.Error.WriteLine($"{name}: {line.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new ServiceProcess(process, address);
        using var client = new HttpClient { BaseAddress = address };
        var lastAnswer = "no answer";
        for (var attempt = 0; attempt < 600; attempt++)
        {
            try
            {
                using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
                if (health.IsSuccessStatusCode)
                {
                    return service;
                }

                lastAnswer = $"{(int)health.StatusCode} {await health.Content.ReadAsStringAsync()}";
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (process.HasExited)
            {
                break;
            }

            await Task.Delay(100);
        }

        var exited = process.HasExited;
        service.Dispose();
        throw new InvalidOperationException($"{name} never became healthy (exited: {exited}; last /health: {lastAnswer}).");
    }

    /// <summary>Resident memory of the process, in bytes (VmRSS).</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{Id.ToString(CultureInfo.InvariantCulture)}/status").First(entry => entry.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>CPU time (user and system) the process has used so far.</summary>
    public TimeSpan CpuTime()
    {
        var fields = File.ReadAllText($"/proc/{Id.ToString(CultureInfo.InvariantCulture)}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }

        process.Dispose();
    }
}
