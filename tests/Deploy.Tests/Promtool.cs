using AgentCore.Gateway.TestSupport;

namespace AgentCore.Gateway.Deploy.Tests;

/// <summary>Prometheus's own checker (Debian package <c>prometheus</c>; <c>.ci/run</c> installs it).</summary>
internal static class Promtool
{
    public static Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) =>
        ToolProcess.RunAsync("promtool", arguments, TestContext.Current.CancellationToken);
}
