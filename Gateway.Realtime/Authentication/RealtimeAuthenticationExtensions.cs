using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Realtime.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace Microsoft.Extensions.Hosting;

internal static class RealtimeAuthenticationExtensions
{
    /// <summary>The policy every realtime endpoint requires: a valid gateway token with <c>events.read</c> and a tenant.</summary>
    public const string EventsReadPolicy = "events.read";

    /// <summary>
    /// Gateway JWT validation (the token may also come as <c>access_token</c> on WebSocket and hub handshakes), the
    /// <see cref="EventsReadPolicy"/>, and auditing of every connection decision. Needs <c>AddAuditTrail</c>.
    /// </summary>
    public static TBuilder AddRealtimeAuthentication<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddGatewayJwtAuthentication().AcceptAccessTokenQueryParameter(RealtimePaths.WebSockets, RealtimePaths.Hubs);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(EventsReadPolicy, policy => policy
                .RequireAuthenticatedUser()
                .RequireClaim(GatewayClaims.TenantId)
                .RequireScope(GatewayScopes.EventsRead));
        builder.Services.AddSingleton<ConnectionAudit>();
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuditingAuthorizationResultHandler>();
        return builder;
    }

    public static WebApplication UseRealtimeAuthentication(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
