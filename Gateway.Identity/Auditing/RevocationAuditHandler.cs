using AgentCore.Gateway.Contracts;
using Microsoft.AspNetCore;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AgentCore.Gateway.Identity.Auditing;

/// <summary>Audits successful revocations (RFC 7009); the token itself is never recorded.</summary>
internal sealed class RevocationAuditHandler(AuthAudit audit) : IOpenIddictServerHandler<ApplyRevocationResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyRevocationResponseContext>()
            .UseSingletonHandler<RevocationAuditHandler>()
            .SetOrder(OpenIddictServerHandlers.Revocation.NormalizeErrorResponse.Descriptor.Order + 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ApplyRevocationResponseContext context)
    {
        var http = context.Transaction.GetHttpRequest()?.HttpContext;
        var succeeded = string.IsNullOrEmpty(context.Response.Error);
        audit.Record(http, AuditEventTypes.TokenRevoked, succeeded ? AuditOutcomes.Success : AuditOutcomes.Failure,
            new AuditActor(context.Request?.ClientId, null, null), context.Response.Error,
            new Dictionary<string, string> { ["token_type_hint"] = context.Request?.TokenTypeHint ?? "none" });
        return default;
    }
}
