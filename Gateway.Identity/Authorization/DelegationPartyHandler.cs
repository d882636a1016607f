using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlers.Exchange;

namespace AgentCore.Gateway.Identity.Authorization;

/// <summary>
/// OpenIddict's check that a presented token names the calling client among its audiences or presenters, kept for every
/// grant but token exchange. There the subject token is the user's, issued to another client by design, and which
/// client may act for whom is <see cref="TokenExchangeOptions"/>' decision (<see cref="DelegatedTokens"/>).
/// </summary>
internal sealed class DelegationPartyHandler : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseSingletonHandler<DelegationPartyHandler>()
            .SetOrder(ValidateAuthorizedParty.Descriptor.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    private readonly ValidateAuthorizedParty authorizedParty = new();

    public ValueTask HandleAsync(ValidateTokenRequestContext context) =>
        context.Request.IsTokenExchangeGrantType() ? ValueTask.CompletedTask : authorizedParty.HandleAsync(context);
}
