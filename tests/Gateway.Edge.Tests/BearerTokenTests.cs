using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.TestSupport;

namespace AgentCore.Gateway.Edge.Tests;

public sealed class BearerTokenTests(EdgeFixture edge) : IClassFixture<EdgeFixture>
{
    private const string TasksPath = "/api/v1/agents/agent-1/tasks";

    [Fact]
    public async Task A_valid_token_reaches_the_backend_with_the_signed_caller_headers_and_the_token()
    {
        var token = edge.ValidToken();
        using var client = edge.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, TasksPath);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add(GatewayHeaders.TenantId, "globex");
        request.Headers.Add(GatewayHeaders.Scopes, "gateway.admin");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(EdgeFixture.Tenant, echo.GetProperty("tenant").GetString());
        Assert.Equal(GatewayTokenServer.ClientId, echo.GetProperty("client").GetString());
        Assert.Equal("user-" + EdgeFixture.Tenant, echo.GetProperty("subject").GetString());
        Assert.Equal(EdgeFixture.AllScopes, echo.GetProperty("scopes").GetString());
        Assert.Equal("Bearer " + token, echo.GetProperty("authorization").GetString());
    }

    [Fact]
    public async Task The_same_token_is_accepted_again_from_the_cache()
    {
        var token = edge.ValidToken();
        using var client = edge.CreateClient();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var response = await SendAsync(client, token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_missing_token_gets_401_with_a_bearer_challenge()
    {
        using var client = edge.CreateClient();
        using var response = await client.GetAsync(TasksPath, TestContext.Current.CancellationToken);

        await Envelope.AssertAsync(response, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    public static TheoryData<string> BadTokens() =>
    [
        "expired", "not yet valid", "tampered payload", "alg none", "HS256 with the RSA public key", "wrong audience",
        "wrong issuer", "unknown kid", "refresh token", "no typ", "garbage", "embedded jwk",
    ];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_bad_token_gets_401_with_the_envelope_and_an_invalid_token_challenge(string kind)
    {
        var token = Forge(kind);
        using var client = edge.CreateClient();

        using var response = await SendAsync(client, token);

        await Envelope.AssertAsync(response, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_authorization_headers_are_refused()
    {
        using var client = edge.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, TasksPath);
        request.Headers.TryAddWithoutValidation("Authorization", ["Bearer " + edge.ValidToken(), "Bearer " + edge.ValidToken()]);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await Envelope.AssertAsync(response, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed);
    }

    [Fact]
    public async Task A_token_and_an_api_key_together_are_refused()
    {
        using var client = edge.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, TasksPath);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", edge.ValidToken());
        request.Headers.Add(ApiKeys.Header, ApiKeys.Prefix + "whatever");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await Envelope.AssertAsync(response, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed);
    }

    [Fact]
    public async Task A_token_without_the_routes_scope_gets_403_naming_the_scope()
    {
        using var client = edge.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, TasksPath)
        {
            Content = new StringContent("""{"task_type":"x","input_data":{}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", edge.ValidToken(scope: GatewayScopes.AgentsRead));

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        var error = await Envelope.AssertAsync(response, HttpStatusCode.Forbidden, ErrorCodes.AuthorizationDenied);
        Assert.Equal(GatewayScopes.AgentsWrite, error.GetProperty("details").GetProperty("required_scopes")[0].GetString());
    }

    [Fact]
    public async Task Unknown_kids_download_the_keys_at_most_once_per_interval()
    {
        using var client = edge.CreateClient();
        using (var warmUp = await SendAsync(client, edge.ValidToken()))
        {
            Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
        }

        var before = edge.Tokens.JwksDownloads;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            using var response = await SendAsync(client, edge.Tokens.Sign(GatewayTokenServer.Header(kid: "forged-" + attempt), ValidPayload()));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.InRange(edge.Tokens.JwksDownloads - before, 0, 1);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, TasksPath);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        return client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static JsonObject ValidPayload() => GatewayTokenServer.Payload(EdgeFixture.Tenant, EdgeFixture.AllScopes);

    private string Forge(string kind)
    {
        var tokens = edge.Tokens;
        switch (kind)
        {
            case "expired":
                return tokens.Sign(GatewayTokenServer.Header(), GatewayTokenServer.Payload(EdgeFixture.Tenant, EdgeFixture.AllScopes, expires: DateTimeOffset.UtcNow.AddMinutes(-5)));
            case "not yet valid":
            {
                var payload = ValidPayload();
                payload["nbf"] = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
                return tokens.Sign(GatewayTokenServer.Header(), payload);
            }

            case "tampered payload":
            {
                var parts = edge.ValidToken().Split('.');
                var payload = ValidPayload();
                payload["tenant_id"] = "globex";
                return parts[0] + "." + GatewayTokenServer.Encode(payload) + "." + parts[2];
            }

            case "alg none":
                return GatewayTokenServer.Encode(GatewayTokenServer.Header(alg: "none")) + "." + GatewayTokenServer.Encode(ValidPayload()) + ".";
            case "HS256 with the RSA public key":
            {
                var input = GatewayTokenServer.Encode(GatewayTokenServer.Header(alg: "HS256")) + "." + GatewayTokenServer.Encode(ValidPayload());
                var mac = HMACSHA256.HashData(Encoding.ASCII.GetBytes(tokens.PublicKeyPem), Encoding.ASCII.GetBytes(input));
                return input + "." + System.Buffers.Text.Base64Url.EncodeToString(mac);
            }

            case "wrong audience":
            {
                var payload = ValidPayload();
                payload["aud"] = "someone-else";
                return tokens.Sign(GatewayTokenServer.Header(), payload);
            }

            case "wrong issuer":
            {
                var payload = ValidPayload();
                payload["iss"] = "http://evil.test/";
                return tokens.Sign(GatewayTokenServer.Header(), payload);
            }

            case "unknown kid":
            {
                using var other = RSA.Create(2048);
                return tokens.Sign(GatewayTokenServer.Header(kid: "unknown-kid"), ValidPayload(), other);
            }

            case "refresh token":
                return tokens.Sign(GatewayTokenServer.Header(typ: "oi_reft+jwt"), ValidPayload());
            case "no typ":
            {
                var header = GatewayTokenServer.Header();
                header.Remove("typ");
                return tokens.Sign(header, ValidPayload());
            }

            case "embedded jwk":
            {
                // Signed by the attacker's key, which the header carries: the Edge must never use it.
                using var attacker = RSA.Create(2048);
                var header = GatewayTokenServer.Header(kid: "attacker");
                header["jwk"] = GatewayTokenServer.Jwks(("attacker", attacker))["keys"]![0]!.DeepClone();
                header["jku"] = "http://evil.test/jwks";
                return tokens.Sign(header, ValidPayload(), attacker);
            }

            default:
                return "not-a-jwt";
        }
    }
}
