using AgentCore.Gateway.Audit.Ingestion;
using AgentCore.Gateway.Audit.Query;
using AgentCore.Gateway.Audit.Redaction;
using AgentCore.Gateway.Audit.Retention;
using AgentCore.Gateway.Audit.Storage;
using AgentCore.Gateway.Authentication.EdgeTrust;
using AgentCore.Gateway.ServiceDefaults;
using AgentCore.Gateway.ServiceDefaults.Input;
using AgentCore.Gateway.ServiceDefaults.OpenApi;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddEdgeTrust();
builder.AddAuditStorage();
builder.AddAuditRedaction();
builder.AddAuditIngestion();
builder.AddAuditRetention();
builder.AddAuditQuery();
builder.AddPublicApiDocument();

var app = builder.Build();

app.UseServiceDefaults();
app.UseInputValidation();
app.UseEdgeTrust();
app.MapDefaultEndpoints();
app.MapPublicApiDocument();
app.MapAuditQuery();

app.Run();
