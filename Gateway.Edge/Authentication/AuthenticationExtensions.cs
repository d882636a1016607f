using AgentCore.Gateway.Authentication.AccessTokens;

namespace AgentCore.Gateway.Edge.Authentication;

internal static class AuthenticationExtensions
{
    /// <summary>
    /// The <see cref="EdgeAuthenticator"/>: bearer tokens validated locally against Identity's published keys, API keys
    /// looked up in Redis, and failures throttled per source address (<see cref="AuthenticationFailureOptions"/>).
    /// </summary>
    public static IHostApplicationBuilder AddEdgeAuthentication(this IHostApplicationBuilder builder)
    {
        builder.AddAccessTokenValidation();
        builder.AddValidatedOptions<ApiKeyCacheOptions>(ApiKeyCacheOptions.SectionName);
        builder.AddValidatedOptions<AuthenticationFailureOptions>(AuthenticationFailureOptions.SectionName);
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddHostedService<ApiKeyRevocationListener>();
        builder.Services.AddSingleton<AuthenticationFailureThrottle>();
        builder.Services.AddSingleton<EdgeAuthenticator>();
        return builder;
    }
}
