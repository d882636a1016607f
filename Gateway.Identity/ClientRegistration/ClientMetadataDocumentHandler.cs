using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AgentCore.Gateway.Identity.ClientRegistration;

/// <summary>
/// Before OpenIddict looks the client up: a client id that is a URL is registered (or refreshed) from its metadata
/// document, or the request is refused with the reason. Other client ids go on untouched.
/// </summary>
internal sealed class ClientMetadataDocumentHandler(ClientMetadataDocuments documents, IOpenIddictApplicationManager applications)
    : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>, IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor AuthorizationRequests { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseScopedHandler<ClientMetadataDocumentHandler>()
            .SetOrder(OpenIddictServerHandlers.Authentication.ValidateClientIdParameter.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public static OpenIddictServerHandlerDescriptor TokenRequests { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseScopedHandler<ClientMetadataDocumentHandler>()
            .SetOrder(OpenIddictServerHandlers.Exchange.ValidateClientIdParameter.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        if (ClientMetadataDocuments.IsDocumentClientId(context.ClientId)
            && await documents.EnsureRegisteredAsync(context.ClientId!, applications, context.CancellationToken) is { } problem)
        {
            context.Reject(Errors.InvalidClient, problem);
        }
    }

    public async ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        if (ClientMetadataDocuments.IsDocumentClientId(context.ClientId)
            && await documents.EnsureRegisteredAsync(context.ClientId!, applications, context.CancellationToken) is { } problem)
        {
            context.Reject(Errors.InvalidClient, problem);
        }
    }
}

/// <summary>
/// Adds to the discovery document (and its RFC 8414 twin) what MCP clients look for: that client ids may be metadata
/// document URLs, and the RFC 7591 registration endpoint when registration is on.
/// </summary>
internal sealed class RegistrationMetadataHandler(
    Microsoft.Extensions.Options.IOptions<ClientMetadataDocumentOptions> documents,
    Microsoft.Extensions.Options.IOptions<DynamicClientRegistrationOptions> registration)
    : IOpenIddictServerHandler<HandleConfigurationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleConfigurationRequestContext>()
            .UseSingletonHandler<RegistrationMetadataHandler>()
            .SetOrder(OpenIddictServerHandlers.Discovery.AttachAdditionalMetadata.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleConfigurationRequestContext context)
    {
        context.Metadata["client_id_metadata_document_supported"] = documents.Value.Enabled;
        if (registration.Value.Enabled && context.Issuer is { } issuer)
        {
            context.Metadata["registration_endpoint"] = new Uri(issuer, DynamicClientRegistration.Path.TrimStart('/')).AbsoluteUri;
        }

        return ValueTask.CompletedTask;
    }
}
