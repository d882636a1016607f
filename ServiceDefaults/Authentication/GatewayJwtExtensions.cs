using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Authentication;
using AgentCore.Gateway.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Microsoft.Extensions.Hosting;

public static class GatewayJwtExtensions
{
    /// <summary>The name of the HttpClient that fetches discovery documents and signing keys.</summary>
    public const string MetadataClientName = "gateway-jwt-metadata";

    /// <summary>
    /// Bearer authentication for the gateway's RS256 <c>at+jwt</c> access tokens (RFC 9068): the issuer is the Edge's public
    /// URL (<see cref="GatewayTokens.IssuerConfigurationKey"/>), the audience <see cref="GatewayTokens.Audience"/>, and the
    /// keys come from Identity's discovery document. Refusals carry the error envelope.
    /// </summary>
    public static AuthenticationBuilder AddGatewayJwtAuthentication<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddValidatedOptions<GatewayJwtOptions>(GatewayJwtOptions.SectionName);
        builder.Services.AddHttpClient(MetadataClientName);
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<GatewayJwtOptions>, IHttpClientFactory, IConfiguration>((bearer, gateway, clients, configuration) =>
            {
                var settings = gateway.Value;
                var issuer = configuration[GatewayTokens.IssuerConfigurationKey]
                    ?? throw new InvalidOperationException($"Configuration '{GatewayTokens.IssuerConfigurationKey}' (the Edge's public URL) is required.");
                bearer.MetadataAddress = settings.MetadataAddress;
                bearer.Backchannel = clients.CreateClient(MetadataClientName);

                // Service discovery chooses https when the service offers it; the address itself is never fetched as typed.
                bearer.RequireHttpsMetadata = false;
                bearer.MapInboundClaims = false;
                bearer.RefreshInterval = settings.RefreshInterval;
                bearer.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = issuer,
                    ValidAudience = GatewayTokens.Audience,
                    ValidTypes = [GatewayTokens.AccessTokenType],
                    ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ClockSkew = settings.ClockSkew,
                    NameClaimType = GatewayClaims.Subject,
                    RoleClaimType = GatewayClaims.Roles,
                };
                bearer.Events = new JwtBearerEvents
                {
                    OnChallenge = context =>
                    {
                        context.HandleResponse();
                        context.Response.Headers.WWWAuthenticate = context.Error is null
                            ? "Bearer"
                            : $"Bearer error=\"{context.Error}\"";
                        return ErrorResponses.WriteAsync(
                            context.HttpContext,
                            StatusCodes.Status401Unauthorized,
                            ErrorCodes.AuthenticationFailed,
                            "A valid bearer access token is required.");
                    },
                    OnForbidden = context => ErrorResponses.WriteAsync(
                        context.HttpContext,
                        StatusCodes.Status403Forbidden,
                        ErrorCodes.AuthorizationDenied,
                        "The access token does not grant what this request needs."),
                };
            });
        return builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
    }

    /// <summary>
    /// Also accepts the token from the <c>access_token</c> query parameter, only on requests under <paramref name="paths"/>
    /// and only when no <c>Authorization</c> header is sent: browsers cannot set headers on WebSocket (or SignalR) handshakes.
    /// The query string then holds a credential: never log it.
    /// </summary>
    public static AuthenticationBuilder AcceptAccessTokenQueryParameter(this AuthenticationBuilder authentication, params PathString[] paths)
    {
        authentication.Services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, bearer =>
        {
            var previous = bearer.Events.OnMessageReceived;
            bearer.Events.OnMessageReceived = async context =>
            {
                await previous(context).ConfigureAwait(false);
                var request = context.Request;
                if (context.Token is null
                    && string.IsNullOrEmpty(request.Headers.Authorization)
                    && paths.Any(path => request.Path.StartsWithSegments(path))
                    && request.Query.TryGetValue(AccessTokenQueryParameter, out var token))
                {
                    context.Token = token.ToString();
                }
            };
        });
        return authentication;
    }

    /// <summary>The query parameter <see cref="AcceptAccessTokenQueryParameter"/> reads (RFC 6750 section 2.3).</summary>
    public const string AccessTokenQueryParameter = "access_token";

    /// <summary>Requires <paramref name="scope"/> among the space-separated values of the token's <c>scope</c> claim.</summary>
    public static AuthorizationPolicyBuilder RequireScope(this AuthorizationPolicyBuilder policy, string scope) =>
        policy.RequireAssertion(context => context.User.HasScope(scope));

    /// <summary>True when the principal's <c>scope</c> claim lists <paramref name="scope"/>.</summary>
    public static bool HasScope(this System.Security.Claims.ClaimsPrincipal principal, string scope) =>
        principal.FindAll(GatewayClaims.Scope).Any(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal));
}
