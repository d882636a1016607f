using AgentCore.Gateway.Edge.Health;
using AgentCore.Gateway.Edge.Routing;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayRedis();
builder.AddGatewayHealth();
builder.AddEdgeRouting();

var app = builder.Build();

app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapGatewayHealth();
app.MapEdgeRoutes();

app.Run();
