using System.Globalization;

namespace AgentCore.Gateway.AppHost.Scaling;

/// <summary>
/// The replicas of one service: the first named after the service (<c>realtime</c>), the others numbered
/// (<c>realtime-2</c>). Each serves on ports of its own, not behind the orchestrator's proxy: a stopped or killed
/// replica then refuses connections at once, which the Edge's circuit breaker sees, where the proxy would accept them
/// and hang.
/// </summary>
internal sealed class ReplicaSet(string service, IReadOnlyList<IResourceBuilder<ProjectResource>> replicas)
{
    /// <summary>The endpoint on which every service serves its probes and metrics (see <c>ServiceDefaults/Management</c>).</summary>
    public const string ManagementEndpoint = "management";

    public const string HttpEndpoint = "http";

    /// <summary>The service's name, under which consumers discover every replica.</summary>
    public string Service => service;

    public IReadOnlyList<IResourceBuilder<ProjectResource>> Replicas => replicas;

    /// <summary>The resource name of the replica numbered <paramref name="number"/> (from 1).</summary>
    public static string ReplicaName(string service, int number) =>
        number == 1 ? service : string.Create(CultureInfo.InvariantCulture, $"{service}-{number}");

    /// <summary>The port each replica serves traffic on.</summary>
    public IEnumerable<int> HttpPorts => replicas.Select(replica => replica.Resource.Annotations.OfType<EndpointAnnotation>().Single(endpoint => endpoint.Name == HttpEndpoint).Port!.Value);

    /// <summary>Applies the same configuration to every replica.</summary>
    public ReplicaSet Each(Action<IResourceBuilder<ProjectResource>> configure)
    {
        foreach (var replica in replicas)
        {
            configure(replica);
        }

        return this;
    }
}

internal static class ReplicaSetExtensions
{
    /// <summary>
    /// <paramref name="count"/> replicas of <typeparamref name="TProject"/>, each with an <c>http</c> endpoint and a
    /// <c>management</c> endpoint on loopback ports of its own; the first replica's <c>http</c> port is
    /// <paramref name="firstHttpPort"/> when given (the Edge's public port).
    /// </summary>
    public static ReplicaSet AddReplicas<TProject>(this IDistributedApplicationBuilder builder, string service, int count, int? firstHttpPort = null)
        where TProject : IProjectMetadata, new()
    {
        var replicas = new List<IResourceBuilder<ProjectResource>>(count);
        for (var number = 1; number <= count; number++)
        {
            var http = number == 1 && firstHttpPort is { } fixedPort ? fixedPort : LoopbackPorts.Next();
            var management = LoopbackPorts.Next();
            var replica = builder.AddProject<TProject>(ReplicaSet.ReplicaName(service, number))
                .WithEndpoint(ReplicaSet.HttpEndpoint, endpoint =>
                {
                    endpoint.Port = http;
                    endpoint.TargetPort = http;
                    endpoint.IsProxied = false;
                })
                .WithHttpEndpoint(port: management, targetPort: management, name: ReplicaSet.ManagementEndpoint, isProxied: false);
            replica.WithEnvironment("Management__Port", replica.GetEndpoint(ReplicaSet.ManagementEndpoint).Property(EndpointProperty.TargetPort));
            replicas.Add(replica);
        }

        return new ReplicaSet(service, replicas);
    }

    /// <summary>
    /// Lets <paramref name="consumer"/> discover every replica of <paramref name="set"/> under the service's name, the
    /// way service discovery reads it (<c>services__realtime__http__0</c>, <c>services__realtime__http__1</c>, and the
    /// same for <c>management</c>); with <paramref name="waitForStart"/>, starts it only once they have started.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithReplicaReferences(this IResourceBuilder<ProjectResource> consumer, ReplicaSet set, bool waitForStart = false)
    {
        for (var index = 0; index < set.Replicas.Count; index++)
        {
            var replica = set.Replicas[index];
            foreach (var endpoint in new[] { ReplicaSet.HttpEndpoint, ReplicaSet.ManagementEndpoint })
            {
                consumer.WithEnvironment(
                    string.Create(CultureInfo.InvariantCulture, $"services__{set.Service}__{endpoint}__{index}"),
                    replica.GetEndpoint(endpoint));
            }

            consumer.WithReferenceRelationship(replica.Resource);
            if (waitForStart)
            {
                consumer.WaitForStart(replica);
            }
        }

        return consumer;
    }
}
