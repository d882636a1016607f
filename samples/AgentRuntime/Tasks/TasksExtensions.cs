namespace AgentCore.Samples.AgentRuntime.Tasks;

internal static class TasksExtensions
{
    /// <summary><c>POST /api/v1/agents/{id}/tasks</c> and <c>GET /api/v1/agents/{id}/tasks/{task_id}</c>.</summary>
    public static WebApplication MapAgentTasks(this WebApplication app)
    {
        var agents = app.MapGroup("/api/v1/agents/{agentId}/tasks");
        agents.MapPost("/", TaskEndpoints.CreateAsync).WithName("CreateAgentTask");
        agents.MapGet("/{taskId}", TaskEndpoints.GetAsync).WithName("GetAgentTask");
        return app;
    }
}
