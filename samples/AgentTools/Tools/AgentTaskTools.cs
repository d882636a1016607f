using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCore.Samples.AgentTools.Runtime;
using ModelContextProtocol.Server;

namespace AgentCore.Samples.AgentTools.Tools;

/// <summary>
/// The MCP tools of the sample server. They act on the platform through the agent runtime as the caller the Edge vouched
/// for: which tools a caller may call at all is the Edge's decision (<c>Mcp:Servers</c>), which agents and tasks it may
/// touch is the runtime's (the caller's tenant).
/// </summary>
[McpServerToolType]
internal sealed class AgentTaskTools(AgentRuntimeClient runtime)
{
    [McpServerTool(Name = "list_agents", ReadOnly = true, Idempotent = true)]
    [Description("Lists the agents of the caller's tenant.")]
    public Task<JsonNode> ListAgentsAsync(CancellationToken cancellationToken) =>
        runtime.ListAgentsAsync(cancellationToken);

    [McpServerTool(Name = "create_task")]
    [Description("Gives an agent a task. The task moves from created through running to completed; its events stream on /api/v1/events.")]
    public Task<JsonNode> CreateTaskAsync(
        [Description("The agent's id, for example agent-1.")] string agent_id,
        [Description("What kind of task, for example analyze.")] string task_type,
        [Description("The task's input, a JSON object.")] JsonElement? input_data = null,
        [Description("low, normal (the default) or high.")] string? priority = null,
        CancellationToken cancellationToken = default) =>
        runtime.CreateTaskAsync(agent_id, task_type, input_data, priority, cancellationToken);

    [McpServerTool(Name = "get_task", ReadOnly = true, Idempotent = true)]
    [Description("Shows a task of an agent: its status and times.")]
    public Task<JsonNode> GetTaskAsync(
        [Description("The agent's id.")] string agent_id,
        [Description("The task's id (a UUID), as create_task returned it.")] string task_id,
        CancellationToken cancellationToken = default) =>
        runtime.GetTaskAsync(agent_id, task_id, cancellationToken);

    [McpServerTool(Name = "cancel_all_tasks", Destructive = true)]
    [Description("Privileged: cancels every task of an agent that has not completed yet.")]
    public Task<JsonNode> CancelAllTasksAsync(
        [Description("The agent's id.")] string agent_id,
        CancellationToken cancellationToken = default) =>
        runtime.CancelAllTasksAsync(agent_id, cancellationToken);
}
