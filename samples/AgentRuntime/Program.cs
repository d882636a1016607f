using AgentCore.Gateway.Authentication.EdgeTrust;
using AgentCore.Gateway.ServiceDefaults;
using AgentCore.Gateway.ServiceDefaults.Input;
using AgentCore.Gateway.ServiceDefaults.OpenApi;
using AgentCore.Samples.AgentRuntime.Agents;
using AgentCore.Samples.AgentRuntime.Storage;
using AgentCore.Samples.AgentRuntime.Tasks;
using AgentCore.Samples.AgentRuntime.Worker;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddAgentRuntimeStorage();
builder.AddAgentDirectory();
builder.AddEdgeTrust();
builder.AddTaskWorker();
builder.AddPublicApiDocument();

var app = builder.Build();

app.UseServiceDefaults();
app.UseInputValidation();
app.UseEdgeTrust();
app.MapDefaultEndpoints();
app.MapPublicApiDocument();
app.MapAgentTasks();

app.Run();
