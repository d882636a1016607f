using AgentCore.Gateway.Contracts;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AgentCore.Gateway.Identity.Revocation;

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
