using AgentCore.Gateway.Edge.ClientAddresses;
using AgentCore.Gateway.Edge.Health;
using AgentCore.Gateway.Edge.RateLimiting;
using AgentCore.Gateway.Edge.Routing;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayRedis();
builder.AddClientAddresses();
builder.AddEdgeRateLimiting();
builder.AddGatewayHealth();
builder.AddEdgeRouting();

var app = builder.Build();

app.UseClientAddresses();
app.UseServiceDefaults();
app.UseEdgeRateLimiting();
app.MapDefaultEndpoints();
app.MapGatewayHealth();
app.MapEdgeRoutes();

app.Run();
