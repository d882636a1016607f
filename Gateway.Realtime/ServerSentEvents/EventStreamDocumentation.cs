using System.Text.Json.Nodes;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Streaming;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AgentCore.Gateway.Realtime.ServerSentEvents;

/// <summary>
/// The public description of <c>GET /api/v1/events/stream</c>. The endpoint reads its query and headers itself and
/// writes a stream, so the parts ASP.NET Core cannot infer are stated here: the parameters, and the
/// <c>text/event-stream</c> answer with each event name's data schema (the <c>x-event-schemas</c> extension, since
/// OpenAPI 3.1 has no keyword for the items of a stream), generated from <see cref="AgentEvent"/> and
/// <see cref="ReplayGap"/>.
/// </summary>
internal static class EventStreamDocumentation
{
    public const string Summary = "Server-sent events stream";

    public const string Description =
        "Requires a bearer token with scope events.read and a tenant_id claim; API keys are not accepted (the Edge forwards no credential " +
        "the Realtime service can validate). Only the caller's tenant's events. The stream opens with a retry: field (milliseconds), sends " +
        "each event as event: <type>, id: <stream id>, data: <AgentEvent JSON>, and a ': heartbeat' comment when idle. Resume with " +
        "Last-Event-ID: the missed events are replayed, then live ones, without gap or duplicate; when retention already trimmed some, or " +
        "the id is further back than a replay may reach (Realtime:EventStream:MaxReplayAge, default 1 hour, or MaxReplayEvents, default " +
        "1,000 entries), a 'gap' event with the reason comes first and only what is left within those bounds is replayed. Each caller " +
        "(subject) and each tenant may hold a limited number of realtime connections at once (WebSocket, stream and SignalR together; " +
        "Realtime:Limits). When the token expires or is revoked the stream ends with event: error, data: {\"code\":\"AUTHENTICATION_FAILED\"," +
        "\"message\":\"token expired\" or \"token revoked\"}; reconnect with a fresh token. Browsers' EventSource may pass the token as the " +
        "access_token query parameter (this route only). x-event-schemas gives each event name's data schema.";

    private const string EventStreamMediaType = "text/event-stream";
    private const string GapEvent = "gap";

    public static async Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document ?? throw new InvalidOperationException("The event stream is described inside a document.");
        var agentEvent = await ComponentAsync<AgentEvent>(document, context, cancellationToken);
        var gap = await ComponentAsync<ReplayGap>(document, context, cancellationToken);

        operation.Parameters = [.. operation.Parameters ?? [],
            Parameter("agent_id", ParameterLocation.Query,
                "Only events about this agent. An agent that is not the caller's tenant's (unknown to the agent directory, or another tenant's) is refused with 404."),
            Parameter("types", ParameterLocation.Query,
                "Only these event types: comma-separated, the parameter may repeat. An unknown type is refused with 400.",
                example: string.Join(',', AgentEventTypes.TaskCompleted, AgentEventTypes.AgentStatusChanged)),
            Parameter(EventStreamEndpoint.LastEventIdHeader, ParameterLocation.Header,
                "The id of the last event received; malformed, or later than the stream's newest event, is refused with 400.",
                example: "1735689600000-0", pattern: StreamEventId.Pattern)];

        var events = new JsonObject();
        foreach (var type in AgentEventTypes.All)
        {
            events[type] = Reference(agentEvent);
        }

        events[GapEvent] = Reference(gap);
        operation.Responses ??= [];
        operation.Responses[StatusCodes.Status200OK.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new OpenApiResponse
        {
            Description = "An endless text/event-stream.",
            Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
            {
                [EventStreamMediaType] = new()
                {
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    Extensions = new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal) { ["x-event-schemas"] = new JsonNodeExtension(events) },
                },
            },
        };
    }

    /// <summary>
    /// The event's <c>type</c> is one of <see cref="AgentEventTypes"/>, the one list every producer and consumer uses, and
    /// its <c>data</c> is an object.
    /// </summary>
    public static Task DescribeEventTypesAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Type != typeof(AgentEvent) || schema.Properties is not { } properties)
        {
            return Task.CompletedTask;
        }

        if (properties["type"] is OpenApiSchema type)
        {
            type.Enum = [.. AgentEventTypes.All.Select(name => (JsonNode)JsonValue.Create(name))];
        }

        // A JsonElement may hold any JSON; an event's data is always an object.
        if (properties["data"] is OpenApiSchema data)
        {
            data.Type = JsonSchemaType.Object;
            data.Description = "The type-specific payload.";
        }

        return Task.CompletedTask;
    }

    private static async Task<string> ComponentAsync<T>(OpenApiDocument document, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var name = typeof(T).Name;
        if (document.Components?.Schemas?.ContainsKey(name) != true)
        {
            document.AddComponent<IOpenApiSchema>(name, await context.GetOrCreateSchemaAsync(typeof(T), cancellationToken: cancellationToken));
        }

        return name;
    }

    private static JsonObject Reference(string schemaName) => new() { ["$ref"] = "#/components/schemas/" + schemaName };

    private static OpenApiParameter Parameter(string name, ParameterLocation location, string description, string? example = null, string? pattern = null) => new()
    {
        Name = name,
        In = location,
        Required = false,
        Description = description,
        Schema = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Pattern = pattern,
            Examples = example is null ? null : [JsonValue.Create(example)],
        },
    };
}
