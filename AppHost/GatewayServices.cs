using AgentCore.Gateway.AppHost.Infrastructure;
using AgentCore.Gateway.Contracts;
using Microsoft.Extensions.Configuration;

namespace AgentCore.Gateway.AppHost;

internal static class GatewayServices
{
    /// <summary>The port of the Edge, the stack's single public endpoint.</summary>
    public const int EdgePort = 8080;

    /// <summary>
    /// The endpoint on which every service serves <c>/health</c>, <c>/ready</c>, <c>/alive</c> and <c>/metrics</c>, apart
    /// from the port that serves traffic: the orchestrator's health checks, the Edge's probes and the metrics scraper use it.
    /// </summary>
    public const string ManagementEndpoint = "management";

    /// <summary>The setting that moves the Edge to another port (tests run their stacks on free ones).</summary>
    private const string EdgePortSetting = "Edge:Port";

    /// <summary>The spec's setting for the Edge's default per-minute rate limit.</summary>
    private const string RequestsPerMinuteSetting = "RATE_LIMIT_REQUESTS_PER_MINUTE";

    /// <summary>
    /// The gateway's services, each referencing exactly what it uses and starting once that is healthy.
    /// Only the Edge is meant for clients; its public URL is the token issuer every service agrees on. The Edge waits
    /// for the backends to start, not to be healthy: it is where clients learn, from <c>/api/v1/health</c>, that one is not.
    /// </summary>
    public static void AddGatewayServices(this IDistributedApplicationBuilder builder, GatewayInfrastructure infrastructure)
    {
        // Not proxied by the orchestrator: clients connect to the Edge itself, so it sees their real addresses (per-address
        // limits and the audit trail depend on them), where behind the proxy every client would be 127.0.0.1.
        var edgePort = builder.Configuration.GetValue(EdgePortSetting, EdgePort);
        var edge = builder.AddProject<Projects.Gateway_Edge>(ServiceNames.Edge)
            .WithEndpoint("http", endpoint =>
            {
                endpoint.Port = edgePort;
                endpoint.TargetPort = edgePort;
                endpoint.IsProxied = false;
            })
            .WithEdgeHttps()
            .WithExternalHttpEndpoints()
            .WithManagementEndpoint();
        var issuer = ReferenceExpression.Create($"{edge.GetEndpoint("http")}/");

        // The key with which the Edge signs what it forwards; backends refuse requests it did not sign.
        var edgeTrustKey = builder.AddParameter("edge-trust-key", new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true);

        var identity = builder.AddProject<Projects.Gateway_Identity>(ServiceNames.Identity)
            .WithManagementEndpoint()
            .WithIssuer(issuer)
            .WithEdgeTrust(edgeTrustKey)
            .WithDependency(infrastructure.IdentityDatabase)
            .WithDependency(infrastructure.Redis)
            .WithHttpHealthCheck("/health", endpointName: ManagementEndpoint);

        var realtime = builder.AddProject<Projects.Gateway_Realtime>(ServiceNames.Realtime)
            .WithManagementEndpoint()
            .WithIssuer(issuer)
            .WithEdgeTrust(edgeTrustKey)
            .WithReference(identity)
            .WithDependency(infrastructure.Redis)
            .WithHttpHealthCheck("/health", endpointName: ManagementEndpoint);

        var audit = builder.AddProject<Projects.Gateway_Audit>(ServiceNames.Audit)
            .WithManagementEndpoint()
            .WithIssuer(issuer)
            .WithEdgeTrust(edgeTrustKey)
            .WithReference(identity)
            .WithDependency(infrastructure.AuditDatabase)
            .WithDependency(infrastructure.Redis)
            .WithHttpHealthCheck("/health", endpointName: ManagementEndpoint);

        var agentRuntime = builder.AddProject<Projects.AgentRuntime>(ServiceNames.AgentRuntime)
            .WithManagementEndpoint()
            .WithIssuer(issuer)
            .WithEdgeTrust(edgeTrustKey)
            .WithDependency(infrastructure.AgentsDatabase)
            .WithDependency(infrastructure.Redis)
            .WithHttpHealthCheck("/health", endpointName: ManagementEndpoint);

        // The sample MCP server: tools that act on the agent runtime for the caller the Edge vouches for.
        var agentTools = builder.AddProject<Projects.AgentTools>(ServiceNames.AgentTools)
            .WithManagementEndpoint()
            .WithEdgeTrust(edgeTrustKey)
            .WithReference(agentRuntime)
            .WithHttpHealthCheck("/health", endpointName: ManagementEndpoint);

        edge.WithIssuer(issuer)
            .WithEdgeTrust(edgeTrustKey)
            .WithDependency(infrastructure.Redis)
            .WithReference(identity).WaitForStart(identity)
            .WithReference(realtime).WaitForStart(realtime)
            .WithReference(audit).WaitForStart(audit)
            .WithReference(agentRuntime).WaitForStart(agentRuntime)
            .WithReference(agentTools).WaitForStart(agentTools)
            .WithHttpHealthCheck("/health", endpointName: ManagementEndpoint);

        // The spec's knob for the default per-minute quota, passed on to the Edge when the AppHost is given it.
        if (builder.Configuration[RequestsPerMinuteSetting] is { Length: > 0 } requestsPerMinute)
        {
            edge.WithEnvironment(RequestsPerMinuteSetting, requestsPerMinute);
        }
    }

    private static IResourceBuilder<ProjectResource> WithIssuer(this IResourceBuilder<ProjectResource> service, ReferenceExpression issuer) =>
        service.WithEnvironment(GatewayTokens.IssuerConfigurationKey.Replace(":", "__", StringComparison.Ordinal), issuer);

    /// <summary>A second HTTP endpoint named <see cref="ManagementEndpoint"/>, whose port the service learns as <c>Management__Port</c>.</summary>
    private static IResourceBuilder<ProjectResource> WithManagementEndpoint(this IResourceBuilder<ProjectResource> service)
    {
        service.WithHttpEndpoint(name: ManagementEndpoint);
        return service.WithEnvironment("Management__Port", service.GetEndpoint(ManagementEndpoint).Property(EndpointProperty.TargetPort));
    }

    private static IResourceBuilder<ProjectResource> WithEdgeTrust(this IResourceBuilder<ProjectResource> service, IResourceBuilder<ParameterResource> key) =>
        service.WithEnvironment("EdgeTrust__Key", key);
}
