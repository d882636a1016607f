using AgentCore.Gateway.Contracts;
using Microsoft.Extensions.Configuration;

namespace AgentCore.Gateway.AppHost.Infrastructure;

internal static class InfrastructureExtensions
{
    /// <summary>
    /// Adds Redis and PostgreSQL the way <c>Infrastructure:Mode</c> says. Throws
    /// <see cref="InfrastructureUnavailableException"/> at once when that mode cannot work here, so the AppHost exits
    /// with advice instead of waiting forever on a resource that will never start.
    /// </summary>
    public static GatewayInfrastructure AddGatewayInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(InfrastructureOptions.SectionName).Get<InfrastructureOptions>() ?? new();
        var mode = options.Mode switch
        {
            InfrastructureMode.Auto => ContainerRuntime.IsAvailable(options.ContainerProbeTimeout) ? InfrastructureMode.Containers : InfrastructureMode.Local,
            _ => options.Mode,
        };

        return mode switch
        {
            InfrastructureMode.Containers => AddContainers(builder, options),
            InfrastructureMode.Local => LocalInfrastructure.Add(builder, options),
            _ => AddExternal(builder),
        };
    }

    /// <summary>References <paramref name="dependency"/> and starts the service only once the dependency is healthy.</summary>
    public static IResourceBuilder<ProjectResource> WithDependency(
        this IResourceBuilder<ProjectResource> service, IResourceBuilder<IResourceWithConnectionString> dependency) =>
        service.WithReference(dependency).WaitFor(dependency);

    private static GatewayInfrastructure AddContainers(IDistributedApplicationBuilder builder, InfrastructureOptions options)
    {
        if (!ContainerRuntime.IsAvailable(options.ContainerProbeTimeout))
        {
            throw new InfrastructureUnavailableException(
                "Infrastructure:Mode=containers needs a running container daemon, and 'docker info' does not answer. " +
                "Start Docker (or set ASPIRE_CONTAINER_RUNTIME=podman), or use Infrastructure:Mode=local.");
        }

        var redis = builder.AddRedis(ServiceNames.Redis);
        var postgres = builder.AddPostgres(ServiceNames.Postgres);
        if (!options.Ephemeral)
        {
            redis.WithDataVolume();
            postgres.WithDataVolume();
        }

        return new GatewayInfrastructure(
            InfrastructureMode.Containers,
            redis,
            postgres.AddDatabase(ServiceNames.IdentityDatabase),
            postgres.AddDatabase(ServiceNames.AuditDatabase),
            postgres.AddDatabase(ServiceNames.AgentsDatabase));
    }

    private static GatewayInfrastructure AddExternal(IDistributedApplicationBuilder builder) => new(
        InfrastructureMode.External,
        builder.AddConnectionString(ServiceNames.Redis),
        builder.AddConnectionString(ServiceNames.IdentityDatabase),
        builder.AddConnectionString(ServiceNames.AuditDatabase),
        builder.AddConnectionString(ServiceNames.AgentsDatabase));
}
