using AgentCore.Gateway.AppHost;
using AgentCore.Gateway.AppHost.Infrastructure;
using AgentCore.Gateway.AppHost.Observability;

var builder = DistributedApplication.CreateBuilder(args);

try
{
    builder.AddGatewayServices(builder.AddGatewayInfrastructure());
    builder.AddPrometheusOnRequest();
}
catch (InfrastructureUnavailableException unavailable)
{
    Console.Error.WriteLine($"AgentCore Gateway cannot start: {unavailable.Message}");
    return 2;
}

await builder.Build().RunAsync();
return 0;
