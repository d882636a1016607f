using AgentCore.Gateway.Authentication.AccessTokens;
using Microsoft.AspNetCore.Authentication;

namespace AgentCore.Gateway.Edge.Authentication;

internal static class AuthenticationExtensions
{
    /// <summary>
    /// The <see cref="GatewayAuthenticationHandler"/> scheme as the default: bearer tokens validated locally against
    /// Identity's published keys, and API keys looked up in Redis.
    /// </summary>
    public static IHostApplicationBuilder AddEdgeAuthentication(this IHostApplicationBuilder builder)
    {
        builder.AddAccessTokenValidation();
        builder.AddValidatedOptions<ApiKeyCacheOptions>(ApiKeyCacheOptions.SectionName);
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddHostedService<ApiKeyRevocationListener>();

        builder.Services.AddAuthentication(GatewayAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, GatewayAuthenticationHandler>(GatewayAuthenticationHandler.SchemeName, null);
        return builder;
    }
}
