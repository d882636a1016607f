using AgentCore.Gateway.Authentication.EdgeTrust;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Messaging.Auditing;
using AgentCore.Gateway.Realtime.Authentication;
using AgentCore.Gateway.Realtime.Hubs;
using AgentCore.Gateway.Realtime.Limits;
using AgentCore.Gateway.Realtime.ServerSentEvents;
using AgentCore.Gateway.Realtime.Streaming;
using AgentCore.Gateway.Realtime.Telemetry;
using AgentCore.Gateway.Realtime.WebSockets;
using AgentCore.Gateway.ServiceDefaults;
using AgentCore.Gateway.ServiceDefaults.Health;
using AgentCore.Gateway.ServiceDefaults.Input;
using AgentCore.Gateway.ServiceDefaults.OpenApi;
using AgentCore.Gateway.ServiceDefaults.Redis;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayRedis();
builder.AddRequestReadiness(ReadinessNeeds.Events, ServiceNames.Redis);
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
builder.AddPublicApiDocument();

var app = builder.Build();

app.UseAgentWebSockets();
app.UseRouting();
app.UseServiceDefaults();
app.UseInputValidation();
app.UseEdgeTrust();
app.UseRealtimeAuthentication();
app.MapDefaultEndpoints();
app.MapAgentWebSockets();
app.MapAgentEventStream();
app.MapAgentHub();
app.MapPublicApiDocument();

app.Run();
