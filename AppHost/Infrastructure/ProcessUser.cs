namespace AgentCore.Gateway.AppHost.Infrastructure;

/// <summary>Who the AppHost runs as, and how to run a child process as another OS user.</summary>
internal static class ProcessUser
{
    /// <summary>True for root on Unix: PostgreSQL refuses to run as root, so its server must run as another user.</summary>
    public static bool IsRoot => !OperatingSystem.IsWindows() && Environment.UserName == "root";

    /// <summary>
    /// The command and leading arguments that run <paramref name="program"/> as <paramref name="osUser"/>.
    /// <c>setpriv</c> replaces itself with the program instead of forking, so the orchestrator owns and stops the server.
    /// </summary>
    public static (string Command, IReadOnlyList<string> Arguments) RunAs(string? osUser, string program) =>
        osUser is null
            ? (program, [])
            : ("setpriv", [$"--reuid={osUser}", $"--regid={osUser}", "--init-groups", "--", program]);
}
