using System.Net;

namespace AgentCore.Gateway.Identity.ClientRegistration;

internal static class ClientRegistrationExtensions
{
    /// <summary>
    /// How MCP clients the gateway was never told about may still register: Client ID Metadata Documents (on, fenced) and
    /// RFC 7591 dynamic registration (off unless enabled). Both make public PKCE clients that need the user's consent.
    /// </summary>
    public static IHostApplicationBuilder AddClientRegistration(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<ClientMetadataDocumentOptions>(ClientMetadataDocumentOptions.SectionName);
        builder.AddValidatedOptions<DynamicClientRegistrationOptions>(DynamicClientRegistrationOptions.SectionName);
        builder.Services.AddSingleton<ClientMetadataDocuments>();
        builder.Services.AddHttpClient(ClientMetadataDocuments.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                UseProxy = false,
                AutomaticDecompression = DecompressionMethods.None,
                ConnectCallback = ClientMetadataDocuments.ConnectAsync,
                MaxResponseHeadersLength = 16,
            })
            // Nothing of the service defaults: no service discovery, no retries; one fetch, fenced, within its time.
            .ConfigureAdditionalHttpMessageHandlers((handlers, _) => handlers.Clear());
        return builder;
    }

    public static WebApplication MapClientRegistration(this WebApplication app)
    {
        app.MapDynamicClientRegistration();
        return app;
    }
}
