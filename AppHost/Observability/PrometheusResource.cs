namespace AgentCore.Gateway.AppHost.Observability;

/// <summary>A Prometheus server run as a local process.</summary>
internal sealed class PrometheusResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory)
{
    public const string EndpointName = "http";

    public EndpointReference Endpoint => new(this, EndpointName);
}
