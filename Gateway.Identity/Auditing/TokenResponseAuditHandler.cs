using AgentCore.Gateway.Contracts;
using Microsoft.AspNetCore;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AgentCore.Gateway.Identity.Auditing;

/// <summary>
/// Audits every answer of the token endpoint as OpenIddict sends it: issued, failed, and the reuse of a redeemed
/// refresh token (for which OpenIddict has already revoked the token's whole authorization, i.e. its family).
/// </summary>
internal sealed class TokenResponseAuditHandler(AuthAudit audit) : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    /// <summary>OpenIddict's error id for "the refresh token has already been redeemed" (its error_uri ends with it).</summary>
    public const string RedeemedRefreshTokenErrorId = "ID2012";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseSingletonHandler<TokenResponseAuditHandler>()
            // After OpenIddict has turned token-validation errors into the token endpoint's own (invalid_grant).
            .SetOrder(OpenIddictServerHandlers.Exchange.NormalizeErrorResponse.Descriptor.Order + 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        var http = context.Transaction.GetHttpRequest()?.HttpContext;
        var request = context.Request;
        var response = context.Response;
        var grant = request?.GrantType ?? "none";

        if (string.IsNullOrEmpty(response.Error) && !string.IsNullOrEmpty(response.AccessToken))
        {
            var token = new JsonWebToken(response.AccessToken);
            token.TryGetPayloadValue<string>(GatewayClaims.TenantId, out var tenant);
            audit.Record(http, AuditEventTypes.TokenIssued, AuditOutcomes.Success,
                new AuditActor(request?.ClientId, token.Subject, tenant),
                details: new Dictionary<string, string>
                {
                    ["grant_type"] = grant,
                    ["jti"] = token.Id,
                    ["kid"] = token.Kid,
                    ["refresh_token_issued"] = (!string.IsNullOrEmpty(response.RefreshToken)).ToString(),
                });
            return default;
        }

        var actor = new AuditActor(request?.ClientId, request?.Username, null);
        var details = new Dictionary<string, string> { ["grant_type"] = grant };
        if (request?.IsRefreshTokenGrantType() == true && response.Error == Errors.InvalidGrant &&
            response.ErrorUri?.EndsWith(RedeemedRefreshTokenErrorId, StringComparison.Ordinal) == true)
        {
            audit.Record(http, AuditEventTypes.RefreshReuseDetected, AuditOutcomes.Denied, actor, response.Error, details);
        }

        audit.Record(http, AuditEventTypes.TokenFailed, AuditOutcomes.Failure, actor, response.Error, details);
        return default;
    }
}
