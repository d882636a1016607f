namespace AgentCore.Samples.AgentTools.Tools;

internal static class ToolsExtensions
{
    /// <summary>Where the server answers MCP (Streamable HTTP): the path the Edge publishes it under.</summary>
    public const string McpPath = "/mcp/agent-tools";

    /// <summary>
    /// The MCP server over Streamable HTTP in stateless mode: no session lives in this process, so any replica of it (and
    /// of the Edge in front) can answer any request, and no <c>Mcp-Session-Id</c> needs affinity.
    /// </summary>
    public static IHostApplicationBuilder AddAgentTools(this IHostApplicationBuilder builder)
    {
        builder.Services.AddMcpServer(server =>
            {
                server.ServerInfo = new() { Name = "agent-tools", Version = "1.0.0" };
                server.ServerInstructions = "Tools that act on the AgentCore platform for the signed-in user's tenant.";
            })
            .WithHttpTransport(transport => transport.Stateless = true)
            .WithTools<AgentTaskTools>();
        return builder;
    }

    public static WebApplication MapAgentTools(this WebApplication app)
    {
        app.MapMcp(McpPath);
        return app;
    }
}
