using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Edge.Tests;

/// <summary>Mints access tokens the way Identity does (RS256, at+jwt), and every way a forger or a bug might not.</summary>
internal sealed class TestTokens(RSA key, string keyId, string issuer, TimeProvider time) : IDisposable
{
    public RSA Key { get; } = key;

    public string KeyId { get; } = keyId;

    public string Issuer { get; } = issuer;

    public static TestTokens Create(string issuer) => new(RSA.Create(2048), "test-key-" + Guid.NewGuid().ToString("N")[..8], issuer, TimeProvider.System);

    public JsonObject Header(string alg = "RS256", string typ = "at+jwt", string? kid = null) =>
        new() { ["alg"] = alg, ["typ"] = typ, ["kid"] = kid ?? KeyId };

    public JsonObject Payload(string scope = "agents.read agents.write events.read", string tenant = "acme", TimeSpan? lifetime = null)
    {
        var now = time.GetUtcNow();
        return new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = "alice",
            ["aud"] = GatewayTokens.Audience,
            ["exp"] = (now + (lifetime ?? TimeSpan.FromMinutes(10))).ToUnixTimeSeconds(),
            ["nbf"] = now.AddSeconds(-5).ToUnixTimeSeconds(),
            ["iat"] = now.AddSeconds(-5).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["client_id"] = "agentcore-service",
            ["scope"] = scope,
            ["tenant_id"] = tenant,
            ["roles"] = new JsonArray("agent-operator"),
        };
    }

    public string Sign(JsonObject header, JsonObject payload, RSA? signingKey = null)
    {
        var input = Encode(header) + "." + Encode(payload);
        var signature = (signingKey ?? Key).SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + System.Buffers.Text.Base64Url.EncodeToString(signature);
    }

    public string Valid(string scope = "agents.read agents.write events.read", string tenant = "acme") => Sign(Header(), Payload(scope, tenant));

    /// <summary>The JWKS document with the public half of <see cref="Key"/> and any extra keys.</summary>
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
                ["n"] = System.Buffers.Text.Base64Url.EncodeToString(parameters.Modulus),
                ["e"] = System.Buffers.Text.Base64Url.EncodeToString(parameters.Exponent),
            });
        }

        return new JsonObject { ["keys"] = array };
    }

    public static string Encode(JsonNode node) =>
        System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(node.ToJsonString(new JsonSerializerOptions())));

    public void Dispose() => Key.Dispose();
}
