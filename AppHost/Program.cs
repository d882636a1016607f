using AgentCore.Gateway.AppHost;
using AgentCore.Gateway.AppHost.Infrastructure;

var builder = DistributedApplication.CreateBuilder(args);

GatewayInfrastructure infrastructure;
try
{
    infrastructure = builder.AddGatewayInfrastructure();
}
catch (InfrastructureUnavailableException unavailable)
{
    Console.Error.WriteLine($"AgentCore Gateway cannot start: {unavailable.Message}");
    return 2;
}

builder.AddGatewayServices(infrastructure);

await builder.Build().RunAsync().ConfigureAwait(false);
return 0;
