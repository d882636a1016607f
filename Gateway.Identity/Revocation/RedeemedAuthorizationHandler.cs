using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlers.Protection;

namespace AgentCore.Gateway.Identity.Revocation;

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
