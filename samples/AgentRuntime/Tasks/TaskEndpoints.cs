using System.Text.Json;
using AgentCore.Gateway.Authentication.EdgeTrust;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Errors;
using AgentCore.Samples.AgentRuntime.Storage;
using AgentCore.Samples.AgentRuntime.Worker;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AgentCore.Samples.AgentRuntime.Tasks;

/// <summary>
/// The tasks API. The caller's tenant comes only from the Edge's signed headers; an agent of another tenant is
/// answered exactly like one that does not exist.
/// </summary>
internal static class TaskEndpoints
{
    private const string AgentNotFound = "Agent not found.";

    public static async Task<Results<Created<TaskCreated>, ErrorResult>> CreateAsync(
        string agentId,
        HttpContext context,
        AgentsDbContext db,
        TimeProvider time,
        IOptions<TaskWorkerOptions> worker)
    {
        if (context.GetEdgeCaller() is not { TenantId.Length: > 0 } caller)
        {
            return ErrorResponses.Result(StatusCodes.Status401Unauthorized, ErrorCodes.AuthenticationFailed, "The caller is not authenticated for a tenant.");
        }

        // The happy path is one statement (the insert checks the agent); an invalid request asks about the agent first,
        // so an agent the caller cannot see is answered 404 whatever the body.
        var (request, error) = await ReadTaskRequestAsync(context);
        if (error is not null)
        {
            return await AgentVisibleAsync(db, agentId, caller.TenantId, context.RequestAborted) ? error : AgentNotFoundResult();
        }

        var now = time.GetUtcNow();
        var task = new AgentTask
        {
            Id = Guid.CreateVersion7(now),
            AgentId = agentId,
            TenantId = caller.TenantId,
            TaskType = request!.TaskType,
            InputData = request.InputData,
            Priority = request.Priority,
            Status = TaskStatuses.Created,
            CreatedAt = now,
            EstimatedCompletion = now + worker.Value.ExpectedDuration,
            RequestId = context.TraceIdentifier,
            TraceParent = WorkerTracing.CurrentTraceParent(),
        };
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO tasks (id, agent_id, tenant_id, task_type, input_data, priority, status, created_at, estimated_completion, request_id, trace_parent)
            SELECT {task.Id}, {task.AgentId}, {task.TenantId}, {task.TaskType}, {task.InputData}::jsonb, {task.Priority}, {task.Status},
                   {task.CreatedAt}, {task.EstimatedCompletion}, {task.RequestId}, {task.TraceParent}
            WHERE EXISTS (SELECT 1 FROM agents WHERE id = {agentId} AND tenant_id = {caller.TenantId})
            """, context.RequestAborted);
        if (inserted == 0)
        {
            return AgentNotFoundResult();
        }

        return TypedResults.Created(
            $"/api/v1/agents/{Uri.EscapeDataString(agentId)}/tasks/{task.Id}",
            new TaskCreated(task.Id, task.Status, agentId, task.EstimatedCompletion));
    }

    /// <summary>The parsed task request, or the error that answers it (415, 400 or 422).</summary>
    private static async Task<(CreateTaskRequest? Request, ErrorResult? Error)> ReadTaskRequestAsync(HttpContext context)
    {
        if (!context.Request.HasJsonContentType())
        {
            return (null, ErrorResponses.Result(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "The request body must be JSON."));
        }

        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return (null, ErrorResponses.Result(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, "The request body is not valid JSON."));
        }

        var (request, errors) = CreateTaskRequest.Parse(body);
        return request is null
            ? (null, ErrorResponses.Result(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ValidationError, "The task data is invalid.", errors))
            : (request, null);
    }

    private static Task<bool> AgentVisibleAsync(AgentsDbContext db, string agentId, string tenantId, CancellationToken cancellationToken) =>
        db.Agents.AnyAsync(agent => agent.Id == agentId && agent.TenantId == tenantId, cancellationToken);

    private static ErrorResult AgentNotFoundResult() => ErrorResponses.Result(StatusCodes.Status404NotFound, ErrorCodes.NotFound, AgentNotFound);

    /// <summary>The agents of the caller's tenant, by id.</summary>
    public static async Task<Results<Ok<AgentList>, ErrorResult>> ListAgentsAsync(HttpContext context, AgentsDbContext db)
    {
        if (context.GetEdgeCaller() is not { TenantId.Length: > 0 } caller)
        {
            return ErrorResponses.Result(StatusCodes.Status401Unauthorized, ErrorCodes.AuthenticationFailed, "The caller is not authenticated for a tenant.");
        }

        var agents = await db.Agents.AsNoTracking()
            .Where(agent => agent.TenantId == caller.TenantId)
            .OrderBy(agent => agent.Id)
            .Select(agent => new AgentView(agent.Id, agent.Name))
            .ToListAsync(context.RequestAborted);
        return TypedResults.Ok(new AgentList(agents));
    }

    /// <summary>Cancels every task of the agent that has not completed yet; the worker never picks them up again.</summary>
    public static async Task<Results<Ok<TasksCancelled>, ErrorResult>> CancelAllAsync(string agentId, HttpContext context, AgentsDbContext db, TimeProvider time)
    {
        if (context.GetEdgeCaller() is not { TenantId.Length: > 0 } caller)
        {
            return ErrorResponses.Result(StatusCodes.Status401Unauthorized, ErrorCodes.AuthenticationFailed, "The caller is not authenticated for a tenant.");
        }

        if (!await AgentVisibleAsync(db, agentId, caller.TenantId, context.RequestAborted))
        {
            return AgentNotFoundResult();
        }

        var now = time.GetUtcNow();
        var cancelled = await db.Tasks
            .Where(task => task.AgentId == agentId && task.TenantId == caller.TenantId
                && (task.Status == TaskStatuses.Created || task.Status == TaskStatuses.Running))
            .ExecuteUpdateAsync(
                update => update.SetProperty(task => task.Status, TaskStatuses.Cancelled).SetProperty(task => task.CompletedAt, now),
                context.RequestAborted);
        return TypedResults.Ok(new TasksCancelled(agentId, cancelled));
    }

    public static async Task<Results<Ok<TaskView>, ErrorResult>> GetAsync(string agentId, string taskId, HttpContext context, AgentsDbContext db)
    {
        if (context.GetEdgeCaller() is not { TenantId.Length: > 0 } caller)
        {
            return ErrorResponses.Result(StatusCodes.Status401Unauthorized, ErrorCodes.AuthenticationFailed, "The caller is not authenticated for a tenant.");
        }

        var task = Guid.TryParse(taskId, out var id)
            ? await db.Tasks.AsNoTracking()
                .SingleOrDefaultAsync(t => t.Id == id && t.AgentId == agentId && t.TenantId == caller.TenantId, context.RequestAborted)
            : null;
        if (task is null)
        {
            return ErrorResponses.Result(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "Task not found.");
        }

        using var input = JsonDocument.Parse(task.InputData);
        return TypedResults.Ok(new TaskView(
            task.Id, task.AgentId, task.TaskType, task.Priority, task.Status, input.RootElement.Clone(),
            task.CreatedAt, task.StartedAt, task.CompletedAt, task.EstimatedCompletion));
    }
}
