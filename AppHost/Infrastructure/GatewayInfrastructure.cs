namespace AgentCore.Gateway.AppHost.Infrastructure;

/// <summary>The Redis server and the PostgreSQL databases, whatever mode provides them. Names never change with the mode.</summary>
internal sealed record GatewayInfrastructure(
    InfrastructureMode Mode,
    IResourceBuilder<IResourceWithConnectionString> Redis,
    IResourceBuilder<IResourceWithConnectionString> IdentityDatabase,
    IResourceBuilder<IResourceWithConnectionString> AuditDatabase,
    IResourceBuilder<IResourceWithConnectionString> AgentsDatabase);
