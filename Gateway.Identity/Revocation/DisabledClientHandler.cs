using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AgentCore.Gateway.Identity.Revocation;

/// <summary>Refuses token and authorization requests of a client an administrator disabled, as <c>invalid_client</c>.</summary>
internal sealed class DisabledClientHandler(IOpenIddictApplicationManager applications)
    : IOpenIddictServerHandler<ValidateTokenRequestContext>, IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor TokenRequests { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseScopedHandler<DisabledClientHandler>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public static OpenIddictServerHandlerDescriptor AuthorizationRequests { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseScopedHandler<DisabledClientHandler>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        if (await IsDisabledAsync(context.ClientId, context.CancellationToken))
        {
            context.Reject(Errors.InvalidClient, "The client is disabled.");
        }
    }

    public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        if (await IsDisabledAsync(context.ClientId, context.CancellationToken))
        {
            context.Reject(Errors.UnauthorizedClient, "The client is disabled.");
        }
    }

    private async ValueTask<bool> IsDisabledAsync(string? clientId, CancellationToken cancellationToken) =>
        !string.IsNullOrEmpty(clientId)
        && await applications.FindByClientIdAsync(clientId, cancellationToken) is { } application
        && await RevocationEndpoints.IsDisabledAsync(applications, application, cancellationToken);
}
