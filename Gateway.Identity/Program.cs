using AgentCore.Gateway.Identity.ApiKeys;
using AgentCore.Gateway.Identity.Auditing;
using AgentCore.Gateway.Identity.Authorization;
using AgentCore.Gateway.Identity.ClientRegistration;
using AgentCore.Gateway.Identity.Directories;
using AgentCore.Gateway.Identity.EdgeForwarding;
using AgentCore.Gateway.Identity.Federation;
using AgentCore.Gateway.Identity.Pruning;
using AgentCore.Gateway.Identity.RateLimiting;
using AgentCore.Gateway.Identity.Revocation;
using AgentCore.Gateway.Identity.Seeding;
using AgentCore.Gateway.Identity.SigningKeys;
using AgentCore.Gateway.Identity.Storage;
using AgentCore.Gateway.Identity.TokenApi;
using AgentCore.Gateway.Identity.Users;
using AgentCore.Gateway.ServiceDefaults;
using AgentCore.Gateway.ServiceDefaults.Input;
using AgentCore.Gateway.ServiceDefaults.OpenApi;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddEdgeForwarding();
builder.AddIdentityStorage();
builder.AddDevelopmentSeed();
builder.AddSigningKeys();
builder.AddAuthAudit();
builder.AddUsers();
builder.AddDirectories();
builder.AddTokenServer();
builder.AddClientRegistration();
builder.AddTokenRevocation();
builder.AddTokenPruning();
builder.AddFederation();
builder.AddTokenApi();
builder.AddTokenRateLimits();
builder.AddApiKeys();
builder.AddPublicApiDocument();

var app = builder.Build();

app.UseServiceDefaults();
app.UseInputValidation();
app.UseEdgeForwarding();
app.UseTokenApi();
app.UseTokenRateLimits();
app.UseTokenServer();
app.MapFederation();
app.MapClientRegistration();
app.MapApiKeyEndpoints();
app.MapTokenRevocation();
app.MapPublicApiDocument();
app.MapDefaultEndpoints();

app.Run();
