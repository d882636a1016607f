using AgentCore.Gateway.Authentication.EdgeTrust;
using AgentCore.Gateway.Contracts;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayRedis();
builder.AddRequestReadiness(ReadinessNeeds.Events, ServiceNames.Redis);
builder.AddEdgeTrust();
builder.AddAuditTrail();
builder.AddRealtimeAuthentication();
builder.AddRealtimeTelemetry();
builder.AddEventStreaming();
builder.AddConnectionLimits();
builder.AddAgentWebSockets();
builder.AddAgentEventStream();
builder.AddAgentHub();

var app = builder.Build();

app.UseServiceDefaults();
app.UseInputValidation();
app.UseEdgeTrust();
app.UseRealtimeAuthentication();
app.MapDefaultEndpoints();
app.MapAgentWebSockets();
app.MapAgentEventStream();
app.MapAgentHub();

app.Run();
