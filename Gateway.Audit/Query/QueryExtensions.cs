using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Contracts;

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
        app.MapGet(AuditEventsEndpoint.Route, AuditEventsEndpoint.HandleAsync).RequireAuthorization(ReadPolicy);
        return app;
    }
}
