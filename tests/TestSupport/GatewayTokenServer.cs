using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AgentCore.Gateway.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentCore.Gateway.TestSupport;

/// <summary>
/// Stands in for Identity in service tests and benchmarks: a discovery document and JWKS on a free loopback port, and
/// RS256 <c>at+jwt</c> access tokens (RFC 9068) signed with the key it publishes. Point a service at it with
/// <c>Authentication:Jwt:MetadataAddress</c> = <see cref="MetadataAddress"/>
/// and <c>Gateway:Issuer</c> = <see cref="Issuer"/>. For tests of token validation it also mints tokens piece by
/// piece (<see cref="Header"/>, <see cref="Payload"/>, <see cref="Sign"/>), so that every way a forger or a bug might
/// get a token wrong can be built.
/// </summary>
public sealed class GatewayTokenServer : IAsyncDisposable
{
    public const string Issuer = "http://gateway.test/";

    /// <summary>The <c>client_id</c> of the tokens it mints.</summary>
    public const string ClientId = "gateway-tests";

    /// <summary>The <c>roles</c> of the tokens it mints, as a user's token has them.</summary>
    public const string Role = "agent-operator";

    public const string KeyId = "test-key";

    private const string JwksPath = "/.well-known/jwks";

    private readonly RSA signingKey = RSA.Create(2048);
    private readonly RSA foreignKey = RSA.Create(2048);
    private readonly WebApplication app;
    private int jwksDownloads;

    private GatewayTokenServer(WebApplication app)
    {
        this.app = app;
    }

    public string MetadataAddress { get; private set; } = string.Empty;

    /// <summary>How many times the JWKS was downloaded, to see how often a validator refreshes its keys.</summary>
    public int JwksDownloads => Volatile.Read(ref jwksDownloads);

    /// <summary>The signing key's public half as PEM, which an algorithm-confusion forgery uses as an HMAC secret.</summary>
    public string PublicKeyPem => signingKey.ExportSubjectPublicKeyInfoPem();

    /// <summary>
    /// Starts the server. With <paramref name="publicAddress"/> the discovery document names that address, as Identity
    /// behind the Edge names the Edge, and only a client that reads the JWKS path from the server itself finds the keys.
    /// </summary>
    public static async Task<GatewayTokenServer> StartAsync(Uri? publicAddress = null)
    {
        var server = Create(publicAddress, port: 0);
        await server.ListenAsync();
        return server;
    }

    /// <summary>
    /// A server that is down until <see cref="ListenAsync"/>: <see cref="MetadataAddress"/> (on the free loopback port
    /// <paramref name="port"/>) refuses connections, as an Identity that has not started yet does, while its tokens can
    /// already be minted.
    /// </summary>
    public static GatewayTokenServer CreateDown(int port, Uri? publicAddress = null) => Create(publicAddress, port);

    private static GatewayTokenServer Create(Uri? publicAddress, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new GatewayTokenServer(app)
        {
            MetadataAddress = port == 0 ? string.Empty : $"http://127.0.0.1:{port}/.well-known/openid-configuration",
        };
        app.MapGet("/.well-known/openid-configuration", (HttpContext context) => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["jwks_uri"] = new Uri(publicAddress ?? new Uri($"{context.Request.Scheme}://{context.Request.Host}"), JwksPath),
        }));
        app.MapGet(JwksPath, () =>
        {
            Interlocked.Increment(ref server.jwksDownloads);
            return Results.Text(Jwks((KeyId, server.signingKey)).ToJsonString(), "application/json");
        });
        return server;
    }

    /// <summary>Starts listening (once): the server comes up.</summary>
    public async Task ListenAsync()
    {
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        MetadataAddress = $"{address}/.well-known/openid-configuration";
    }

    /// <summary>
    /// The status <paramref name="send"/> gets once it is no longer 503, asked every 200 ms for 30 s at most: how a service
    /// that could not fetch the keys while this server was down is seen to fetch them after <see cref="ListenAsync"/>.
    /// </summary>
    public static async Task<HttpStatusCode> StatusOnceKeysAreFetchedAsync(Func<Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            using var response = await send();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow >= deadline)
            {
                return response.StatusCode;
            }
        }
    }

    /// <summary>
    /// An access token for <paramref name="tenantId"/> with <paramref name="scope"/>; with <paramref name="signedByStranger"/>
    /// it is signed by a key the server does not publish, as a forgery would be.
    /// </summary>
    public string CreateToken(string tenantId, string scope = GatewayScopes.EventsRead, DateTimeOffset? expires = null, bool signedByStranger = false) =>
        Sign(Header(), Payload(tenantId, scope, expires), signedByStranger ? foreignKey : null);

    /// <summary>
    /// A client_credentials access token of <paramref name="clientId"/>: its subject is the client, it has no roles, and
    /// it carries a tenant only when the client belongs to one (an administration client does not).
    /// </summary>
    public string CreateClientToken(string clientId, string scope, string? tenantId = null)
    {
        var payload = Payload(tenantId ?? string.Empty, scope);
        payload[GatewayClaims.Subject] = clientId;
        payload[GatewayClaims.ClientId] = clientId;
        payload.Remove(GatewayClaims.Roles);
        if (tenantId is null)
        {
            payload.Remove(GatewayClaims.TenantId);
        }

        return Sign(Header(), payload);
    }

    /// <summary>The JOSE header of a valid access token, with the given members changed.</summary>
    public static JsonObject Header(string alg = "RS256", string typ = GatewayTokens.AccessTokenType, string kid = KeyId) =>
        new() { ["alg"] = alg, ["typ"] = typ, ["kid"] = kid };

    /// <summary>The claims of a valid access token; expires in 30 minutes unless <paramref name="expires"/> says otherwise.</summary>
    public static JsonObject Payload(string tenantId, string scope = GatewayScopes.EventsRead, DateTimeOffset? expires = null)
    {
        var now = DateTimeOffset.UtcNow;
        return new JsonObject
        {
            ["iss"] = Issuer,
            ["aud"] = GatewayTokens.Audience,
            [GatewayClaims.Subject] = "user-" + tenantId,
            ["exp"] = (expires ?? now.AddMinutes(30)).ToUnixTimeSeconds(),
            ["nbf"] = now.AddSeconds(-5).ToUnixTimeSeconds(),
            ["iat"] = now.AddSeconds(-5).ToUnixTimeSeconds(),
            [GatewayClaims.TokenId] = Guid.NewGuid().ToString("N"),
            [GatewayClaims.ClientId] = ClientId,
            [GatewayClaims.Scope] = scope,
            [GatewayClaims.TenantId] = tenantId,
            [GatewayClaims.Roles] = new JsonArray(Role),
        };
    }

    /// <summary>A JWS compact token of exactly this header and payload, RS256-signed by the published key or by <paramref name="key"/>.</summary>
    public string Sign(JsonObject header, JsonObject payload, RSA? key = null)
    {
        var input = Encode(header) + "." + Encode(payload);
        var signature = (key ?? signingKey).SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>
    /// A token of exactly these header and payload JSON texts, as a forger would write them (escapes such as a lone
    /// <c>\ud800</c> kept as written), signed by the published key, so that only their content can make it fail.
    /// </summary>
    public string SignRaw(string headerJson, string payloadJson)
    {
        var input = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(headerJson)) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payloadJson));
        var signature = signingKey.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + Base64Url.EncodeToString(signature);
    }

    /// <inheritdoc cref="SignRaw(string, string)"/>
    public string SignRaw(string headerJson, JsonObject payload) => SignRaw(headerJson, payload.ToJsonString());

    /// <summary>A JWKS document with the public halves of <paramref name="keys"/>.</summary>
    public static JsonObject Jwks(params (string KeyId, RSA Key)[] keys)
    {
        var array = new JsonArray();
        foreach (var (kid, rsa) in keys)
        {
            var parameters = rsa.ExportParameters(includePrivateParameters: false);
            array.Add(new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = "RS256",
                ["kid"] = kid,
                ["n"] = Base64Url.EncodeToString(parameters.Modulus),
                ["e"] = Base64Url.EncodeToString(parameters.Exponent),
            });
        }

        return new JsonObject { ["keys"] = array };
    }

    /// <summary>Base64url of the JSON, as one segment of a compact token.</summary>
    public static string Encode(JsonNode node) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(node.ToJsonString()));

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        signingKey.Dispose();
        foreignKey.Dispose();
    }
}
