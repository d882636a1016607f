namespace AgentCore.Gateway.AppHost.Infrastructure;

/// <summary>Where Redis and PostgreSQL come from. Chosen by the <c>Infrastructure:Mode</c> setting.</summary>
internal enum InfrastructureMode
{
    /// <summary>Containers when a container daemon answers, local processes otherwise.</summary>
    Auto,

    /// <summary>The Redis and PostgreSQL container images, through Docker or Podman.</summary>
    Containers,

    /// <summary><c>redis-server</c> (or <c>valkey-server</c>) and the PostgreSQL server binaries, run as local processes.</summary>
    Local,

    /// <summary>Servers that run elsewhere, named by connection strings in configuration.</summary>
    External,
}
