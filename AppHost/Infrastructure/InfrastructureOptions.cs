namespace AgentCore.Gateway.AppHost.Infrastructure;

/// <summary>The <c>Infrastructure</c> configuration section of the AppHost.</summary>
internal sealed class InfrastructureOptions
{
    public const string SectionName = "Infrastructure";

    /// <summary>Where Redis and PostgreSQL come from. Default: <see cref="InfrastructureMode.Auto"/>.</summary>
    public InfrastructureMode Mode { get; set; } = InfrastructureMode.Auto;

    /// <summary>
    /// Where <c>local</c> mode keeps its data. Default: <c>agentcore-gateway</c> under the user's data directory
    /// (<c>~/.local/share</c> on Linux), or <c>/var/lib/agentcore-gateway</c> when run as root, because the
    /// PostgreSQL server then runs as the <c>postgres</c> user and must be able to reach it.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// When true, <c>local</c> mode starts from an empty, throw-away data directory under the temp folder that is
    /// removed when the AppHost exits (and swept at the next start if it could not be). Default: false.
    /// </summary>
    public bool Ephemeral { get; set; }

    /// <summary>
    /// The folder holding the PostgreSQL server binaries (<c>postgres</c>, <c>initdb</c>). Default: unset, which searches
    /// PATH and the usual install locations (<c>/usr/lib/postgresql/*/bin</c>, Homebrew, <c>/usr/pgsql-*</c>).
    /// </summary>
    public string? PostgresBinDirectory { get; set; }

    /// <summary>The OS user the PostgreSQL server runs as when the AppHost runs as root. Default: <c>postgres</c>.</summary>
    public string PostgresOsUser { get; set; } = "postgres";

    /// <summary>How long to wait for a container daemon to answer in <c>auto</c> and <c>containers</c> mode. Default: 5 s.</summary>
    public TimeSpan ContainerProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
