using AgentCore.Gateway.Authentication.EdgeTrust;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayRedis();
builder.AddEdgeTrust();
builder.AddAuditTrail();
builder.AddConnectionClock();
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
