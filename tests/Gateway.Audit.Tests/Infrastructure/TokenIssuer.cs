using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using AgentCore.Gateway.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentCore.Gateway.Audit.Tests.Infrastructure;

/// <summary>
/// Stands in for Identity, which cannot run inside these tests: a real Kestrel server on loopback serving a discovery
/// document and the JWKS of a test RSA key, and access tokens shaped like the gateway's (RS256, <c>at+jwt</c>).
/// </summary>
public sealed class TokenIssuer : IAsyncDisposable
{
    public const string Issuer = "http://gateway.test/";
    private const string KeyId = "audit-test-key";

    private readonly RSA rsa = RSA.Create(2048);
    private readonly WebApplication server;

    private TokenIssuer(WebApplication server) => this.server = server;

    public string MetadataAddress { get; private set; } = string.Empty;

    public static async Task<TokenIssuer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var server = builder.Build();
        var issuer = new TokenIssuer(server);
        server.MapGet("/.well-known/openid-configuration", (HttpContext context) => Results.Json(new Dictionary<string, string>
        {
            ["issuer"] = Issuer,
            ["jwks_uri"] = $"{context.Request.Scheme}://{context.Request.Host}/jwks",
        }));
        server.MapGet("/jwks", () =>
        {
            var key = issuer.rsa.ExportParameters(includePrivateParameters: false);
            return Results.Json(new Dictionary<string, object>
            {
                ["keys"] = new[]
                {
                    new Dictionary<string, string>
                    {
                        ["kty"] = "RSA",
                        ["use"] = "sig",
                        ["alg"] = "RS256",
                        ["kid"] = KeyId,
                        ["n"] = Base64Url.EncodeToString(key.Modulus),
                        ["e"] = Base64Url.EncodeToString(key.Exponent),
                    },
                },
            });
        });
        await server.StartAsync();
        issuer.MetadataAddress = $"{server.Urls.First()}/.well-known/openid-configuration";
        return issuer;
    }

    /// <summary>An access token for <paramref name="clientId"/> with the given scopes, and a tenant claim when one is given.</summary>
    public string Issue(string clientId, string scopes, string? tenantId = null)
    {
        var claims = new Dictionary<string, object>
        {
            [GatewayClaims.ClientId] = clientId,
            [GatewayClaims.Subject] = clientId,
            [GatewayClaims.Scope] = scopes,
            [GatewayClaims.TokenId] = Guid.NewGuid().ToString("N"),
        };
        if (tenantId is not null)
        {
            claims[GatewayClaims.TenantId] = tenantId;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = GatewayTokens.Audience,
            TokenType = GatewayTokens.AccessTokenType,
            Claims = claims,
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync();
        rsa.Dispose();
    }
}
