using AgentCore.Gateway.Authentication.EdgeTrust;
using AgentCore.Gateway.Authentication.Revocation;
using AgentCore.Gateway.Contracts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Authentication.AccessTokens;

public static class AccessTokenExtensions
{
    /// <summary>
    /// The <see cref="AccessTokenValidator"/> and what it needs: <see cref="JwtValidationOptions"/> (the
    /// <c>Authentication:Jwt</c> section, its issuer defaulting to <c>Gateway:Issuer</c>), Identity's signing keys
    /// (fetched with the Edge's signature, as Identity accepts nothing else), the cache of validated tokens, and the
    /// revocation list fed from Redis. Needs the shared Redis connection (<c>AddGatewayRedis</c>).
    /// </summary>
    public static TBuilder AddAccessTokenValidation<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<JwtValidationOptions>()
            .Configure(jwt => jwt.Issuer = builder.Configuration[GatewayTokens.IssuerConfigurationKey] ?? string.Empty)
            .Bind(builder.Configuration.GetSection(JwtValidationOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.AddEdgeTrust();
        builder.Services.AddHttpClient(SigningKeyProvider.HttpClientName).AddEdgeSignature();
        builder.Services.AddSingleton<SigningKeyProvider>();
        builder.Services.AddSingleton<ValidatedTokenCache>();
        builder.AddRevocationList();
        builder.Services.AddSingleton(services => new AccessTokenValidator(
            services.GetRequiredService<SigningKeyProvider>(),
            services.GetRequiredService<ValidatedTokenCache>(),
            services.GetRequiredService<RevocationList>(),
            services.GetRequiredService<IOptions<JwtValidationOptions>>(),
            services.GetRequiredService<TimeProvider>()));
        return builder;
    }

    /// <summary>
    /// Bearer authentication with <see cref="AccessTokenValidator"/> as the default scheme of a service behind the Edge
    /// (<see cref="AccessTokenAuthenticationHandler"/>); <paramref name="queryTokenPaths"/> may carry the token in the query.
    /// </summary>
    public static AuthenticationBuilder AddAccessTokenAuthentication<TBuilder>(this TBuilder builder, params PathString[] queryTokenPaths)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddAccessTokenValidation();
        return builder.Services.AddAuthentication(AccessTokenAuthenticationHandler.SchemeName)
            .AddScheme<AccessTokenAuthenticationOptions, AccessTokenAuthenticationHandler>(AccessTokenAuthenticationHandler.SchemeName, scheme =>
            {
                foreach (var path in queryTokenPaths)
                {
                    scheme.QueryTokenPaths.Add(path);
                }
            });
    }
}
