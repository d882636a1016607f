using System.Security.Cryptography;
using AgentCore.Gateway.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentCore.Gateway.TestSupport;

/// <summary>
/// Stands in for Identity in service tests and benchmarks: a discovery document and JWKS on a free loopback port, and
/// RS256 <c>at+jwt</c> access tokens (RFC 9068) signed with the key it publishes. Point a backend at it with
/// <c>GatewayJwt:MetadataAddress</c> = <see cref="MetadataAddress"/> and <c>Gateway:Issuer</c> = <see cref="Issuer"/>.
/// </summary>
public sealed class GatewayTokenServer : IAsyncDisposable
{
    public const string Issuer = "http://gateway.test/";

    private readonly RSA signingKey = RSA.Create(2048);
    private readonly RSA foreignKey = RSA.Create(2048);
    private readonly WebApplication app;

    private GatewayTokenServer(WebApplication app)
    {
        this.app = app;
    }

    public string MetadataAddress { get; private set; } = string.Empty;

    public static async Task<GatewayTokenServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new GatewayTokenServer(app);
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(server.signingKey.ExportParameters(false)) { KeyId = "test-key" });
        app.MapGet("/.well-known/openid-configuration", (HttpContext context) => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["jwks_uri"] = $"{context.Request.Scheme}://{context.Request.Host}/jwks",
        }));
        app.MapGet("/jwks", () => Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } }));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.MetadataAddress = $"{address}/.well-known/openid-configuration";
        return server;
    }

    /// <summary>
    /// An access token for <paramref name="tenantId"/> with <paramref name="scope"/>; with <paramref name="signedByStranger"/>
    /// it is signed by a key the server does not publish, as a forgery would be.
    /// </summary>
    public string CreateToken(string tenantId, string scope = GatewayScopes.EventsRead, DateTimeOffset? expires = null, bool signedByStranger = false)
    {
        var key = new RsaSecurityKey(signedByStranger ? foreignKey : signingKey) { KeyId = "test-key" };
        var now = DateTimeOffset.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = GatewayTokens.Audience,
            TokenType = GatewayTokens.AccessTokenType,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.AddSeconds(-5).UtcDateTime,
            Expires = (expires ?? now.AddMinutes(30)).UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                [GatewayClaims.Subject] = "user-" + tenantId,
                [GatewayClaims.ClientId] = "realtime-tests",
                [GatewayClaims.TenantId] = tenantId,
                [GatewayClaims.Scope] = scope,
                [GatewayClaims.TokenId] = Guid.NewGuid().ToString(),
            },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        signingKey.Dispose();
        foreignKey.Dispose();
    }
}
