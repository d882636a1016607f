using AgentCore.Gateway.AppHost.Infrastructure;
using AgentCore.Gateway.AppHost.Scaling;
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
    public const string ManagementEndpoint = ReplicaSet.ManagementEndpoint;

    /// <summary>The setting that moves the Edge to another port (tests run their stacks on free ones).</summary>
    private const string EdgePortSetting = "Edge:Port";

    /// <summary>The spec's setting for the Edge's default per-minute rate limit.</summary>
    private const string RequestsPerMinuteSetting = "RATE_LIMIT_REQUESTS_PER_MINUTE";

    /// <summary>
    /// The gateway's services, as many replicas of each as <see cref="ScaleOptions"/> says, each referencing exactly what
    /// it uses and starting once that is healthy. Only the public endpoint (the Edge, or nginx in front of several) is
    /// meant for clients; its public URL is the token issuer every service agrees on. The Edge waits for the backends to
    /// start, not to be healthy: it is where clients learn, from <c>/api/v1/health</c>, that one is not.
    /// </summary>
    public static void AddGatewayServices(this IDistributedApplicationBuilder builder, GatewayInfrastructure infrastructure)
    {
        var scale = ScaleOptions.Read(builder.Configuration);
        var publicPort = builder.Configuration.GetValue(EdgePortSetting, EdgePort);
        LoopbackPorts.Reserve(publicPort, EdgeHttps.Port);

        // One Edge serves the public ports itself, not proxied by the orchestrator: clients connect to the Edge, so it sees
        // their real addresses (per-address limits and the audit trail depend on them). Several sit behind nginx, which
        // passes the real address on.
        var edges = builder.AddReplicas<Projects.Gateway_Edge>(ServiceNames.Edge, scale.Edge, scale.Edge == 1 ? publicPort : null);
        EndpointReference entry;
        if (scale.Edge == 1)
        {
            entry = edges.Replicas[0].WithEdgeHttps().WithExternalHttpEndpoints().GetEndpoint(ReplicaSet.HttpEndpoint);
        }
        else
        {
            var front = builder.AddEdgeFront(edges, publicPort, EdgeHttps.Port, scale, EdgeFrontCertificate.FromConfiguration(builder.Configuration));
            edges.Each(edge => edge.WithEdgeTlsSettings()
                .WithEnvironment("Cors__PublicOrigins__0", ReferenceExpression.Create($"{front.GetEndpoint(EdgeHttps.EndpointName)}")));
            entry = front.GetEndpoint(ReplicaSet.HttpEndpoint);
        }

        var issuer = ReferenceExpression.Create($"{entry}/");

        // The key with which the Edge signs what it forwards; backends refuse requests it did not sign.
        var edgeTrustKey = builder.AddParameter("edge-trust-key", new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true);

        var identity = builder.AddReplicas<Projects.Gateway_Identity>(ServiceNames.Identity, 1).Each(replica => replica
            .WithBackendDefaults(issuer, edgeTrustKey)
            .WithDependency(infrastructure.IdentityDatabase)
            .WithDependency(infrastructure.Redis));

        var realtime = builder.AddReplicas<Projects.Gateway_Realtime>(ServiceNames.Realtime, scale.Realtime).Each(replica => replica
            .WithBackendDefaults(issuer, edgeTrustKey)
            .WithReplicaReferences(identity)
            .WithDependency(infrastructure.Redis));

        var audit = builder.AddReplicas<Projects.Gateway_Audit>(ServiceNames.Audit, scale.Audit).Each(replica => replica
            .WithBackendDefaults(issuer, edgeTrustKey)
            .WithReplicaReferences(identity)
            .WithDependency(infrastructure.AuditDatabase)
            .WithDependency(infrastructure.Redis));

        var agentRuntime = builder.AddReplicas<Projects.AgentRuntime>(ServiceNames.AgentRuntime, scale.AgentRuntime).Each(replica => replica
            .WithBackendDefaults(issuer, edgeTrustKey)
            .WithDependency(infrastructure.AgentsDatabase)
            .WithDependency(infrastructure.Redis));

        // The sample MCP server: tools that act on the agent runtime for the caller the Edge vouches for.
        var agentTools = builder.AddReplicas<Projects.AgentTools>(ServiceNames.AgentTools, 1).Each(replica => replica
            .WithEdgeTrust(edgeTrustKey)
            .WithReplicaReferences(agentRuntime));

        edges.Each(edge =>
        {
            edge.WithBackendDefaults(issuer, edgeTrustKey)
                .WithDependency(infrastructure.Redis)
                .WithReplicaReferences(identity, waitForStart: true)
                .WithReplicaReferences(realtime, waitForStart: true)
                .WithReplicaReferences(audit, waitForStart: true)
                .WithReplicaReferences(agentRuntime, waitForStart: true)
                .WithReplicaReferences(agentTools, waitForStart: true);

            // The spec's knob for the default per-minute quota, passed on to the Edge when the AppHost is given it.
            if (builder.Configuration[RequestsPerMinuteSetting] is { Length: > 0 } requestsPerMinute)
            {
                edge.WithEnvironment(RequestsPerMinuteSetting, requestsPerMinute);
            }
        });
    }

    /// <summary>What every gateway service has: the issuer, and what every service has (<see cref="WithEdgeTrust"/>).</summary>
    private static IResourceBuilder<ProjectResource> WithBackendDefaults(
        this IResourceBuilder<ProjectResource> service, ReferenceExpression issuer, IResourceBuilder<ParameterResource> edgeTrustKey) =>
        service.WithEnvironment(GatewayTokens.IssuerConfigurationKey.Replace(":", "__", StringComparison.Ordinal), issuer)
            .WithEdgeTrust(edgeTrustKey);

    /// <summary>What every service has: the Edge's trust key, and a health check on its management endpoint.</summary>
    private static IResourceBuilder<ProjectResource> WithEdgeTrust(this IResourceBuilder<ProjectResource> service, IResourceBuilder<ParameterResource> edgeTrustKey) =>
        service.WithEnvironment("EdgeTrust__Key", edgeTrustKey)
            .WithHttpHealthCheck("/health", endpointName: ManagementEndpoint);
}
