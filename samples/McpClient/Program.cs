// The README's MCP client: signs in through the gateway (the browser opens on the sign-in page), lists the tools the
// user may call and calls two of them. Usage: dotnet run --project samples/McpClient [-- <MCP endpoint>]
using System.Text.Json;
using AgentCore.Samples.McpClient;
using ModelContextProtocol.Authentication;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

var endpoint = new Uri(args.FirstOrDefault() ?? "http://localhost:8080/mcp/agent-tools");
await using var signIn = BrowserSignIn.Start();

// The client discovers the authorization server from the 401 and the RFC 9728 metadata, then runs the code flow with
// PKCE and the resource indicator; agentcore-mcp is the MCP client Identity knows in Development.
var transport = new HttpClientTransport(new HttpClientTransportOptions
{
    Endpoint = endpoint,
    TransportMode = HttpTransportMode.StreamableHttp,
    OAuth = new ClientOAuthOptions
    {
        ClientId = "agentcore-mcp",
        RedirectUri = signIn.RedirectUri,
        Scopes = ["agents.read", "agents.write"],
        AuthorizationCallbackHandler = signIn.AuthorizeAsync,
    },
});
await using var client = await McpClient.CreateAsync(transport);

foreach (var tool in await client.ListToolsAsync())
{
    Console.WriteLine($"tool {tool.Name}: {tool.Description}");
}

Console.WriteLine("list_agents → " + Text(await client.CallToolAsync("list_agents")));
var created = await client.CallToolAsync("create_task", new Dictionary<string, object?>
{
    ["agent_id"] = "agent-1",
    ["task_type"] = "analyze",
    ["input_data"] = new { text = "hello from an MCP client" },
});
Console.WriteLine("create_task → " + Text(created));

static string Text(CallToolResult result) =>
    (result.IsError == true ? "error: " : string.Empty)
    + string.Join(' ', result.Content.OfType<TextContentBlock>().Select(block => block.Text))
    + (result.StructuredContent is { } structured ? " " + JsonSerializer.Serialize(structured) : string.Empty);
