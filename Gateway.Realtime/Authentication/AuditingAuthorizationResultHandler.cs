using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace AgentCore.Gateway.Realtime.Authentication;

/// <summary>Audits refusals of the authorization middleware (no or bad token, missing scope) before the standard answer.</summary>
internal sealed class AuditingAuthorizationResultHandler(ConnectionAudit audit) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler standard = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        audit.Refused(context, authorizeResult);
        return standard.HandleAsync(next, context, policy, authorizeResult);
    }
}
