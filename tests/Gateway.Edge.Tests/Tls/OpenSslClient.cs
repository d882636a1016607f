using System.Diagnostics;

namespace AgentCore.Gateway.Edge.Tests.Tls;

/// <summary><c>openssl s_client</c>, a TLS client that is not .NET's, offering exactly one protocol version.</summary>
internal static class OpenSslClient
{
    /// <summary>Handshakes with <paramref name="port"/> on loopback; returns whether it succeeded and what openssl said.</summary>
    public static async Task<(bool Connected, string Output)> HandshakeAsync(int port, string versionFlag)
    {
        var startInfo = new ProcessStartInfo("openssl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "s_client", "-connect", $"127.0.0.1:{port}", "-servername", "localhost", "-brief", versionFlag })
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Debian's OpenSSL refuses to offer TLS 1.1 at its default security level; lower it so that the
        // server, not the client, is what refuses.
        if (versionFlag == "-tls1_1")
        {
            startInfo.ArgumentList.Add("-cipher");
            startInfo.ArgumentList.Add("DEFAULT@SECLEVEL=0");
        }

        using var process = Process.Start(startInfo)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        var text = await output + await error;
        return (process.ExitCode == 0 && text.Contains("CONNECTION ESTABLISHED", StringComparison.Ordinal), text);
    }
}
