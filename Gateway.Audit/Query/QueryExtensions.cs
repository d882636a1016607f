using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.OpenApi;

namespace AgentCore.Gateway.Audit.Query;

internal static class QueryExtensions
{
    private const string ReadPolicy = "audit-read";

    /// <summary>
    /// The gateway's shared access-token validation (rules, cache and revocation list alike with the Edge) and the
    /// policy of the query API (scope <c>audit.read</c>).
    /// </summary>
    public static IHostApplicationBuilder AddAuditQuery(this IHostApplicationBuilder builder)
    {
        builder.AddAccessTokenAuthentication();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ReadPolicy, policy => policy.RequireScopes(GatewayScopes.AuditRead));
        return builder;
    }

    public static WebApplication MapAuditQuery(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet(AuditEventsEndpoint.Route, AuditEventsEndpoint.HandleAsync)
            .RequireAuthorization(ReadPolicy)
            .WithName("QueryAuditEvents")
            .WithSummary("Query audit events")
            .WithDescription(
                "Requires a bearer token with scope audit.read; API keys are not accepted (the Edge forwards no credential the Audit service " +
                "can validate). Newest first, keyset-paged: pass next_cursor as cursor for the next page. " +
                "A token with a tenant_id claim (a tenant administrator) sees only its own tenant; one without (a platform administrator) " +
                "sees all and may filter by tenant_id. subject and source_address are pseudonyms.")
            .Produces<AuditEventPage>()
            .ProducesError(
                StatusCodes.Status400BadRequest,
                StatusCodes.Status401Unauthorized,
                StatusCodes.Status403Forbidden,
                StatusCodes.Status503ServiceUnavailable)
            .AddOpenApiOperationTransformer(AuditEventQueryDocumentation.DescribeAsync)
            .AsPublicApi("audit");
        return app;
    }
}
