using AgentCore.Gateway.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Authentication.AccessTokens;

public static class AccessTokenExtensions
{
    /// <summary>
    /// The <see cref="AccessTokenValidator"/> and what it needs: <see cref="JwtValidationOptions"/> (the
    /// <c>Authentication:Jwt</c> section, its issuer defaulting to <c>Gateway:Issuer</c>), Identity's signing keys and
    /// the cache of validated tokens.
    /// </summary>
    public static TBuilder AddAccessTokenValidation<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<JwtValidationOptions>()
            .Configure(jwt => jwt.Issuer = builder.Configuration[GatewayTokens.IssuerConfigurationKey] ?? string.Empty)
            .Bind(builder.Configuration.GetSection(JwtValidationOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddHttpClient(SigningKeyProvider.HttpClientName);
        builder.Services.AddSingleton<SigningKeyProvider>();
        builder.Services.AddSingleton<ValidatedTokenCache>();
        builder.Services.AddSingleton(services => new AccessTokenValidator(
            services.GetRequiredService<SigningKeyProvider>(),
            services.GetRequiredService<ValidatedTokenCache>(),
            services.GetRequiredService<IOptions<JwtValidationOptions>>(),
            services.GetRequiredService<TimeProvider>()));
        return builder;
    }
}
