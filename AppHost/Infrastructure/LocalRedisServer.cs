using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AgentCore.Gateway.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace AgentCore.Gateway.AppHost.Infrastructure;

/// <summary>
/// The Redis server of <c>local</c> mode: <c>redis-server</c> or <c>valkey-server</c> from PATH, accepted only after
/// a capability probe shows it can do what the services need. Nothing else is a substitute: a server that merely
/// speaks the protocol (Garnet, Redis before 6.2) loses events and audit records without a word.
/// </summary>
internal static class LocalRedisServer
{
    private static readonly string[] Programs = ["redis-server", "valkey-server"];
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PubSubTimeout = TimeSpan.FromSeconds(3);

    private const string InstallAdvice =
        "Install Redis (Debian/Ubuntu: 'sudo apt-get install redis-server'; macOS: 'brew install redis'), start Docker and " +
        "use Infrastructure:Mode=containers, or point Infrastructure:Mode=external at a running server.";

    /// <summary>The first of <c>redis-server</c> and <c>valkey-server</c> on PATH; refuses with install advice when neither is.</summary>
    public static string Find() =>
        Programs.Select(ExecutableSearch.FindOnPath).FirstOrDefault(path => path is not null)
        ?? throw new InfrastructureUnavailableException(
            "Infrastructure:Mode=local needs a Redis server with Streams, Lua and pub/sub (redis-server or valkey-server " +
            "6.2 or newer) on PATH, and neither redis-server nor valkey-server was found. " + InstallAdvice);

    /// <summary>
    /// Starts <paramref name="server"/> briefly on a free loopback port with nothing persisted and probes it; refuses
    /// with the missing commands named when it lacks any.
    /// </summary>
    public static void Verify(string server)
    {
        var port = FreeLoopbackPort();
        var startInfo = new ProcessStartInfo(server) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InfrastructureUnavailableException($"Could not start '{server}'.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            var report = ProbeAsync(port, process).GetAwaiter().GetResult();
            if (report is null)
            {
                process.Kill(entireProcessTree: true);
                throw new InfrastructureUnavailableException(
                    $"'{server}' did not start as a Redis server within {StartTimeout.TotalSeconds:0} s:\n{output.Result}{error.Result}");
            }

            if (report.Problem is { } problem)
            {
                throw new InfrastructureUnavailableException($"'{server}' is not enough: {problem} " + InstallAdvice);
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
        }
    }

    /// <summary>The probe's answer, or null when the server never answered.</summary>
    private static async Task<RedisCapabilityReport?> ProbeAsync(int port, Process process)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                await using var connection = await ConnectionMultiplexer
                    .ConnectAsync($"127.0.0.1:{port},abortConnect=true,connectTimeout=500");
                return await RedisCapabilityProbe.ProbeAsync(connection, PubSubTimeout);
            }
            catch (RedisConnectionException)
            {
                await Task.Delay(50);
            }
        }

        return null;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
