using System.Security.Claims;
using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Authentication.EdgeTrust;
using AgentCore.Gateway.ServiceDefaults.Input;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Realtime.Authentication;

/// <summary>
/// What the pipeline checks before a realtime endpoint runs, for a WebSocket handshake that does not go through the
/// pipeline: acceptable text in the path, query and headers, the Edge's signature, the bearer token (also as
/// <c>access_token</c>), and the <see cref="RealtimeAuthenticationExtensions.EventsReadPolicy"/>, with the same refusals
/// and audit records. Each check is the middleware's own code, and none touches the request's services: a WebSocket
/// lives as long as its request, and would otherwise keep the pipeline's frames, a DI scope and the authentication
/// results for its whole life.
/// </summary>
internal sealed class HandshakeChecks(
    EdgeTrustVerifier edgeTrust,
    AccessTokenValidator tokens,
    IOptionsMonitor<AccessTokenAuthenticationOptions> schemes,
    IAuthorizationPolicyProvider policies,
    IAuthorizationService authorization,
    ConnectionAudit audit)
{
    /// <summary>True when the request passes, with its caller as <see cref="HttpContext.User"/>; false when it was refused and answered.</summary>
    public async Task<bool> PassAsync(HttpContext context)
    {
        if (RequestInput.RefuseUnacceptableText(context) is { } refusal)
        {
            await refusal;
            return false;
        }

        if (!await edgeTrust.VerifyAsync(context))
        {
            return false;
        }

        var acceptQuery = schemes.Get(AccessTokenAuthenticationHandler.SchemeName).AcceptsQueryToken(context.Request.Path);
        var authentication = await BearerAuthentication.AuthenticateAsync(tokens, context.Request, acceptQuery, context.RequestAborted);
        if (authentication.Identity is not { } identity)
        {
            audit.Refused(context, PolicyAuthorizationResult.Challenge());
            await authentication.RefuseAsync(context);
            return false;
        }

        context.User = new ClaimsPrincipal(identity);
        var policy = await policies.GetPolicyAsync(RealtimeAuthenticationExtensions.EventsReadPolicy)
            ?? throw new InvalidOperationException("The events.read policy is not registered.");
        if (!(await authorization.AuthorizeAsync(context.User, resource: null, policy)).Succeeded)
        {
            audit.Refused(context, PolicyAuthorizationResult.Forbid());
            await AccessTokenResponses.ForbidAsync(context);
            return false;
        }

        return true;
    }
}
