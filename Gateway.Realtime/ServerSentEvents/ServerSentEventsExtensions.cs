using AgentCore.Gateway.ServiceDefaults.OpenApi;
using Microsoft.AspNetCore.OpenApi;
using AgentCore.Gateway.Realtime.Authentication;

namespace AgentCore.Gateway.Realtime.ServerSentEvents;

internal static class ServerSentEventsExtensions
{
    public static TBuilder AddAgentEventStream<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddValidatedOptions<ServerSentEventsOptions>(ServerSentEventsOptions.SectionName);
        builder.Services.AddSingleton<EventStreamEndpoint>();
        builder.Services.Configure<OpenApiOptions>(PublicApiExtensions.DocumentName, options => options.AddSchemaTransformer(EventStreamDocumentation.DescribeEventTypesAsync));
        return builder;
    }

    /// <summary><c>/api/v1/events/stream</c>, for callers with <c>events.read</c> (token in the Authorization header only).</summary>
    public static WebApplication MapAgentEventStream(this WebApplication app)
    {
        app.MapGet("/api/v1/events/stream", (HttpContext context, EventStreamEndpoint endpoint) => endpoint.HandleAsync(context))
            .RequireAuthorization(RealtimeAuthenticationExtensions.EventsReadPolicy)
            .WithName("StreamEvents")
            .WithSummary(EventStreamDocumentation.Summary)
            .WithDescription(EventStreamDocumentation.Description)
            .ProducesError(StatusCodes.Status400BadRequest,
                "Unknown event type in types (details.supported_types), a malformed or future Last-Event-ID, or X-Request-ID not a UUID (INVALID_REQUEST).")
            .ProducesError(StatusCodes.Status401Unauthorized, "Missing or invalid credentials (AUTHENTICATION_FAILED).")
            .ProducesError(StatusCodes.Status403Forbidden, "Scope events.read or the tenant_id claim is missing (AUTHORIZATION_DENIED).")
            .ProducesError(StatusCodes.Status404NotFound, "agent_id names no agent of the caller's tenant: unknown, or another tenant's (NOT_FOUND).")
            .ProducesError(StatusCodes.Status429TooManyRequests,
                "Rate limit exceeded, or the caller or its tenant already holds as many realtime connections as allowed (RATE_LIMIT_EXCEEDED; details.limit is subject or tenant); see Retry-After.")
            .AddOpenApiOperationTransformer(EventStreamDocumentation.DescribeAsync)
            .AsPublicApi("events");
        return app;
    }
}
