using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Contracts;
using Microsoft.AspNetCore.Authorization;

namespace AgentCore.Gateway.Realtime.Authentication;

internal static class RealtimeAuthenticationExtensions
{
    /// <summary>The policy every realtime endpoint requires: a valid gateway token with <c>events.read</c> and a tenant.</summary>
    public const string EventsReadPolicy = "events.read";

    /// <summary>
    /// The gateway's shared access-token validation (the token may also come as <c>access_token</c> on WebSocket and
    /// hub handshakes), the <see cref="EventsReadPolicy"/>, the end of connections whose token is revoked or expires,
    /// auditing of every connection decision, and the same checks for handshakes outside the pipeline (<see cref="HandshakeChecks"/>). Needs <c>AddAuditTrail</c> and <c>AddGatewayRedis</c>.
    /// </summary>
    public static TBuilder AddRealtimeAuthentication<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddAccessTokenAuthentication(RealtimePaths.WebSockets, RealtimePaths.Hubs);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(EventsReadPolicy, policy => policy
                .RequireScopes(GatewayScopes.EventsRead)
                .RequireAssertion(context => context.User.FindFirst(GatewayClaims.TenantId)?.Value is { Length: > 0 }));
        builder.Services.AddSingleton<ConnectionAudit>();
        builder.Services.AddSingleton<ConnectionLifetimes>();
        builder.Services.AddSingleton<HandshakeChecks>();
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
