using AgentCore.Gateway.Contracts;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlers.Revocation;

namespace AgentCore.Gateway.Identity.Revocation;

/// <summary>
/// After <c>/connect/revoke</c> has revoked a token in the store: an access token is announced by its <c>jti</c>; a
/// refresh token takes its whole authorization with it (RFC 7009 section 2.1: the access tokens of the same grant
/// should go too), revoked in the store and announced by its id.
/// </summary>
internal sealed class RevokedTokenHandler(
    RevocationPublisher publisher,
    IOpenIddictAuthorizationManager authorizations,
    IOpenIddictTokenManager tokens) : IOpenIddictServerHandler<HandleRevocationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleRevocationRequestContext>()
            .UseScopedHandler<RevokedTokenHandler>()
            .SetOrder(RevokeToken.Descriptor.Order + 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(HandleRevocationRequestContext context)
    {
        if (context.IsRejected || context.GenericTokenPrincipal is not { } principal)
        {
            return;
        }

        if (principal.HasTokenType(TokenTypeIdentifiers.AccessToken) && principal.GetClaim(Claims.JwtId) is { Length: > 0 } tokenId)
        {
            publisher.Revoke(TokenRevocationKinds.Token, tokenId);
        }
        else if (principal.HasTokenType(TokenTypeIdentifiers.RefreshToken) && principal.GetAuthorizationId() is { Length: > 0 } authorizationId)
        {
            if (await authorizations.FindByIdAsync(authorizationId, context.CancellationToken) is { } authorization)
            {
                await authorizations.TryRevokeAsync(authorization, context.CancellationToken);
            }

            await tokens.RevokeByAuthorizationIdAsync(authorizationId, context.CancellationToken);
            publisher.Revoke(TokenRevocationKinds.Authorization, authorizationId);
        }
    }
}
