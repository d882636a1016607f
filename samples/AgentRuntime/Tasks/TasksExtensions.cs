using AgentCore.Gateway.ServiceDefaults.OpenApi;

namespace AgentCore.Samples.AgentRuntime.Tasks;

internal static class TasksExtensions
{
    private const string Tag = "tasks";

    /// <summary>
    /// <c>GET /api/v1/agents</c>, <c>POST /api/v1/agents/{agentId}/tasks</c>, <c>GET /api/v1/agents/{agentId}/tasks/{taskId}</c>
    /// and <c>POST /api/v1/agents/{agentId}/tasks/cancel</c>, each in the public API document.
    /// </summary>
    public static WebApplication MapAgentTasks(this WebApplication app)
    {
        app.MapGet("/api/v1/agents", TaskEndpoints.ListAgentsAsync)
            .WithName("ListAgents")
            .WithSummary("List the agents of the caller's tenant")
            .ProducesError(StatusCodes.Status401Unauthorized)
            .AsPublicApi(Tag);

        var tasks = app.MapGroup("/api/v1/agents/{agentId}/tasks").AsPublicApi(Tag);
        tasks.MapPost("/", TaskEndpoints.CreateAsync)
            .WithName("CreateTask")
            .WithSummary("Create a task for an agent")
            .WithDescription("An unknown agent and another tenant's agent both answer 404 (checked before the body). Location names the new task.")
            .Accepts<TaskRequestBody>("application/json")
            .ProducesError(
                StatusCodes.Status400BadRequest,
                StatusCodes.Status401Unauthorized,
                StatusCodes.Status404NotFound,
                StatusCodes.Status415UnsupportedMediaType,
                StatusCodes.Status422UnprocessableEntity);
        tasks.MapPost("/cancel", TaskEndpoints.CancelAllAsync)
            .WithName("CancelAgentTasks")
            .WithSummary("Cancel every task of an agent that has not completed")
            .ProducesError(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);
        tasks.MapGet("/{taskId}", TaskEndpoints.GetAsync)
            .WithName("GetTask")
            .WithSummary("Get a task")
            .WithDescription("A task of another agent or tenant, or a task id that is not a UUID, answers 404.")
            .ProducesError(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);
        return app;
    }
}
