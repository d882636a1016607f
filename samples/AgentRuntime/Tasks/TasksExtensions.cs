namespace AgentCore.Samples.AgentRuntime.Tasks;

internal static class TasksExtensions
{
    /// <summary>
    /// <c>GET /api/v1/agents</c>, <c>POST /api/v1/agents/{id}/tasks</c>, <c>GET /api/v1/agents/{id}/tasks/{task_id}</c>
    /// and <c>POST /api/v1/agents/{id}/tasks/cancel</c>.
    /// </summary>
    public static WebApplication MapAgentTasks(this WebApplication app)
    {
        app.MapGet("/api/v1/agents", TaskEndpoints.ListAgentsAsync).WithName("ListAgents");
        var agents = app.MapGroup("/api/v1/agents/{agentId}/tasks");
        agents.MapPost("/", TaskEndpoints.CreateAsync).WithName("CreateAgentTask");
        agents.MapPost("/cancel", TaskEndpoints.CancelAllAsync).WithName("CancelAgentTasks");
        agents.MapGet("/{taskId}", TaskEndpoints.GetAsync).WithName("GetAgentTask");
        return app;
    }
}
