namespace AgentCore.Samples.AgentRuntime.Storage;

/// <summary>A task given to an agent, moved by the worker from created through running to completed.</summary>
internal sealed class AgentTask
{
    public Guid Id { get; init; }

    public required string AgentId { get; init; }

    public required string TenantId { get; init; }

    public required string TaskType { get; init; }

    /// <summary>The caller's <c>input_data</c> object, stored as given (jsonb).</summary>
    public required string InputData { get; init; }

    public required string Priority { get; init; }

    public required string Status { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public DateTimeOffset EstimatedCompletion { get; init; }

    public string? RequestId { get; init; }

    /// <summary>The W3C <c>traceparent</c> of the request that created the task, so the worker continues its trace.</summary>
    public string? TraceParent { get; init; }
}
