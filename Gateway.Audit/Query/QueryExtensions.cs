using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Audit.Query;

internal static class QueryExtensions
{
    private const string ReadPolicy = "audit-read";

    /// <summary>Validation of the gateway's access tokens and the policy of the query API (scope <c>audit.read</c>).</summary>
    public static IHostApplicationBuilder AddAuditQuery(this IHostApplicationBuilder builder)
    {
        builder.AddGatewayJwtAuthentication();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ReadPolicy, policy => policy.RequireAuthenticatedUser().RequireScope(GatewayScopes.AuditRead));
        return builder;
    }

    public static WebApplication MapAuditQuery(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet(AuditEventsEndpoint.Route, AuditEventsEndpoint.HandleAsync).RequireAuthorization(ReadPolicy);
        return app;
    }
}
