using System.Diagnostics;
using System.Globalization;
using AgentCore.Gateway.TestSupport;

namespace AgentCore.Gateway.Bench.Realtime;

/// <summary>Gateway.Realtime as its own process (Release build), so its memory is measured apart from the load client.</summary>
internal sealed class RealtimeProcess : IDisposable
{
    private readonly Process process;

    private RealtimeProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<RealtimeProcess> StartAsync(string assembly, RedisServer redis, GatewayTokenServer tokens, IReadOnlyDictionary<string, string> settings)
    {
        var port = FreePort.Next();
        var address = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        var startInfo = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        startInfo.ArgumentList.Add(assembly);
        startInfo.Environment["ASPNETCORE_URLS"] = address.ToString();
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        startInfo.Environment["ConnectionStrings__redis"] = redis.ConnectionString;
        startInfo.Environment["Gateway__Issuer"] = GatewayTokenServer.Issuer;
        startInfo.Environment["Authentication__Jwt__MetadataAddress"] = tokens.MetadataAddress;
        startInfo.Environment["EdgeTrust__Key"] = EdgeInFront.Key;
        startInfo.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            startInfo.Environment[key] = value;
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Realtime did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) Console.Error.WriteLine("realtime: " + line.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var realtime = new RealtimeProcess(process, address);
        using var client = new HttpClient { BaseAddress = address };
        for (var attempt = 0; attempt < 300; attempt++)
        {
            try
            {
                if ((await client.GetAsync(new Uri("/health", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return realtime;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        realtime.Dispose();
        throw new InvalidOperationException("Realtime never became healthy.");
    }

    /// <summary>Resident memory of the server process, in bytes (VmRSS).</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{process.Id.ToString(CultureInfo.InvariantCulture)}/status").First(entry => entry.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
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
