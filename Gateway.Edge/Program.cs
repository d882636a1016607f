using AgentCore.Gateway.Edge.Admission;
using AgentCore.Gateway.Edge.Authentication;
using AgentCore.Gateway.Edge.Authorization;
using AgentCore.Gateway.Edge.ClientAddresses;
using AgentCore.Gateway.Edge.Cors;
using AgentCore.Gateway.Edge.Headers;
using AgentCore.Gateway.Edge.Health;
using AgentCore.Gateway.Edge.Hosts;
using AgentCore.Gateway.Edge.Mcp;
using AgentCore.Gateway.Edge.OpenApi;
using AgentCore.Gateway.Edge.RateLimiting;
using AgentCore.Gateway.Edge.Resilience;
using AgentCore.Gateway.Edge.Routing;
using AgentCore.Gateway.Edge.Tls;
using AgentCore.Gateway.Edge.Validation;
using AgentCore.Gateway.Messaging.Auditing;
using AgentCore.Gateway.ServiceDefaults;
using AgentCore.Gateway.ServiceDefaults.Input;
using AgentCore.Gateway.ServiceDefaults.Redis;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayRedis();
builder.AddAuditTrail();
builder.AddAllowedHosts();
builder.AddClientAddresses();
builder.AddEdgeRateLimiting();
builder.AddGatewayHealth();
builder.AddEdgeTls();
builder.AddEdgeSecurityHeaders();
builder.AddEdgeRequestValidation();
builder.AddEdgeCors();
builder.AddEdgeAuthentication();
builder.AddEdgeAuthorization();
builder.AddEdgeAdmission();
builder.AddEdgeResilience();
builder.AddEdgeRouting();
builder.AddMcpGateway();
builder.AddEdgeApiDocumentation();

var app = builder.Build();

app.UseClientAddresses();
app.UseEdgeSecurityHeaders();
app.UseRequestIdValidation();
app.UseServiceDefaults();
app.UseAllowedHosts();
app.UseEdgePlainHttpPolicy();
app.UseRequestFramingValidation();
app.UseEdgeCors();
app.UseRouting();
app.UseMcpGateway();
app.UseEdgeTimeouts();
app.UseEdgeAdmission();
app.UseRequestBodyBuffering();
app.UseInputValidation();
app.UseJsonBodyValidation();

app.MapDefaultEndpoints();
app.MapGatewayHealth();
app.MapEdgeApiDocumentation();
app.MapMcpGateway();
app.MapEdgeRoutes();

app.Run();
