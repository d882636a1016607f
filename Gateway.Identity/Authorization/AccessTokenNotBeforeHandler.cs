using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlerFilters;
using static OpenIddict.Server.OpenIddictServerHandlers.Protection;

namespace AgentCore.Gateway.Identity.Authorization;

/// <summary>
/// Stamps <c>nbf</c> (equal to <c>iat</c>) into access tokens. OpenIddict writes only <c>iat</c> and <c>exp</c>, and the
/// gateway's validators require <c>nbf</c>, as the Edge's security profile does.
/// </summary>
internal sealed class AccessTokenNotBeforeHandler : IOpenIddictServerHandler<GenerateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
            .AddFilter<RequireJsonWebTokenFormat>()
            .UseSingletonHandler<AccessTokenNotBeforeHandler>()
            .SetOrder(GenerateIdentityModelToken.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        if (context.TokenType == TokenTypeIdentifiers.AccessToken && context.SecurityTokenDescriptor.IssuedAt is { } issuedAt)
        {
            context.SecurityTokenDescriptor.NotBefore = issuedAt;
        }

        return ValueTask.CompletedTask;
    }
}
