using AgentCore.Gateway.Authentication.EdgeTrust;
using AgentCore.Gateway.ServiceDefaults;
using AgentCore.Gateway.ServiceDefaults.Input;
using AgentCore.Samples.AgentTools.Runtime;
using AgentCore.Samples.AgentTools.Tools;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddEdgeTrust();
builder.AddAgentRuntimeClient();
builder.AddAgentTools();

var app = builder.Build();

app.UseServiceDefaults();
app.UseInputValidation();
app.UseEdgeTrust();
app.MapDefaultEndpoints();
app.MapAgentTools();

app.Run();

/// <summary>The sample MCP server's entry point, visible to in-process tests.</summary>
public partial class Program;
