namespace AgentCore.Gateway.Identity.Directories;

/// <summary>Applies <see cref="LdapNativeTimeouts"/> once at start, with the longest configured directory timeout.</summary>
internal sealed partial class LdapTimeoutsStartup(LdapDirectories directories, ILogger<LdapTimeoutsStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var timeouts = directories.All.Select(directory => directory.Timeout).ToList();
        if (timeouts.Count > 0 && !LdapNativeTimeouts.TryApply(timeouts.Max()))
        {
            LogNotApplied();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not set libldap's timeouts (is libldap-2.5-0 installed?); a directory that never answers can hold a thread per sign-in")]
    private partial void LogNotApplied();
}
