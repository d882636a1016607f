using AgentCore.Gateway.Contracts;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlers.Protection;
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
            if (await authorizations.FindByIdAsync(authorizationId, context.CancellationToken).ConfigureAwait(false) is { } authorization)
            {
                await authorizations.TryRevokeAsync(authorization, context.CancellationToken).ConfigureAwait(false);
            }

            await tokens.RevokeByAuthorizationIdAsync(authorizationId, context.CancellationToken).ConfigureAwait(false);
            publisher.Revoke(TokenRevocationKinds.Authorization, authorizationId);
        }
    }
}

/// <summary>
/// Remembers, for the token response, the authorization of a refresh token or code being redeemed: when it turns out
/// to be a replay, OpenIddict revokes the whole authorization in the store, and <see cref="ReplayedGrantHandler"/>
/// announces it.
/// </summary>
internal sealed class RedeemedAuthorizationHandler : IOpenIddictServerHandler<ValidateTokenContext>
{
    public const string TransactionProperty = "agentcore:redeemed_authorization_id";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseSingletonHandler<RedeemedAuthorizationHandler>()
            .SetOrder(ValidateTokenEntry.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateTokenContext context)
    {
        if (context.Principal is { } principal && !string.IsNullOrEmpty(context.AuthorizationId)
            && (principal.HasTokenType(TokenTypeIdentifiers.RefreshToken) || principal.HasTokenType(TokenTypeIdentifiers.Private.AuthorizationCode)))
        {
            context.Transaction.SetProperty(TransactionProperty, context.AuthorizationId);
        }

        return default;
    }
}

/// <summary>
/// Announces the authorization of a replayed refresh token (ID2012) or code (ID2010), which OpenIddict has just
/// revoked with all its tokens: the access tokens already out are then refused everywhere too.
/// </summary>
internal sealed class ReplayedGrantHandler(RevocationPublisher publisher) : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    private static readonly string[] ReplayErrors = ["ID2010", "ID2012"];

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseSingletonHandler<ReplayedGrantHandler>()
            .SetOrder(OpenIddictServerHandlers.Exchange.NormalizeErrorResponse.Descriptor.Order + 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        if (context.Response.Error == Errors.InvalidGrant
            && ReplayErrors.Any(id => context.Response.ErrorUri?.EndsWith(id, StringComparison.Ordinal) == true)
            && context.Transaction.GetProperty<string>(RedeemedAuthorizationHandler.TransactionProperty) is { Length: > 0 } authorizationId)
        {
            publisher.Revoke(TokenRevocationKinds.Authorization, authorizationId);
        }

        return default;
    }
}
