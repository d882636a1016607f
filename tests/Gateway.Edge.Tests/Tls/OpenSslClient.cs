using AgentCore.Gateway.TestSupport;

namespace AgentCore.Gateway.Edge.Tests.Tls;

/// <summary><c>openssl s_client</c>, a TLS client that is not .NET's, offering exactly one protocol version.</summary>
internal static class OpenSslClient
{
    /// <summary>Handshakes with <paramref name="port"/> on loopback; returns whether it succeeded and what openssl said.</summary>
    public static async Task<(bool Connected, string Output)> HandshakeAsync(int port, string versionFlag)
    {
        List<string> arguments = ["s_client", "-connect", $"127.0.0.1:{port}", "-servername", "localhost", "-brief", versionFlag];

        // Debian's OpenSSL refuses to offer TLS 1.1 at its default security level; lower it so that the
        // server, not the client, is what refuses.
        if (versionFlag == "-tls1_1")
        {
            arguments.AddRange(["-cipher", "DEFAULT@SECLEVEL=0"]);
        }

        var (exitCode, output) = await ToolProcess.RunAsync("openssl", arguments, TestContext.Current.CancellationToken);
        return (exitCode == 0 && output.Contains("CONNECTION ESTABLISHED", StringComparison.Ordinal), output);
    }
}
