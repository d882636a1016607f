using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Edge.Tests;

public sealed class BearerTokenTests(EdgeFixture edge) : IClassFixture<EdgeFixture>
{
    private const string TasksPath = "/api/v1/agents/agent-1/tasks";

    [Fact]
    public async Task A_valid_token_reaches_the_backend_with_the_signed_caller_headers_and_the_token()
    {
        var token = edge.Tokens.Valid();
        using var client = edge.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, TasksPath);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add(GatewayHeaders.TenantId, "globex");
        request.Headers.Add(GatewayHeaders.Scopes, "gateway.admin");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("acme", echo.GetProperty("tenant").GetString());
        Assert.Equal("agentcore-service", echo.GetProperty("client").GetString());
        Assert.Equal("alice", echo.GetProperty("subject").GetString());
        Assert.Equal("agents.read agents.write events.read", echo.GetProperty("scopes").GetString());
        Assert.Equal("Bearer " + token, echo.GetProperty("authorization").GetString());
    }

    [Fact]
    public async Task The_same_token_is_accepted_again_from_the_cache()
    {
        var token = edge.Tokens.Valid();
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
        request.Headers.TryAddWithoutValidation("Authorization", ["Bearer " + edge.Tokens.Valid(), "Bearer " + edge.Tokens.Valid()]);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await Envelope.AssertAsync(response, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed);
    }

    [Fact]
    public async Task A_token_and_an_api_key_together_are_refused()
    {
        using var client = edge.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, TasksPath);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", edge.Tokens.Valid());
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
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", edge.Tokens.Valid(scope: "agents.read"));

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        var error = await Envelope.AssertAsync(response, HttpStatusCode.Forbidden, ErrorCodes.AuthorizationDenied);
        Assert.Equal(GatewayScopes.AgentsWrite, error.GetProperty("details").GetProperty("required_scopes")[0].GetString());
    }

    [Fact]
    public async Task Unknown_kids_download_the_keys_at_most_once_per_interval()
    {
        using var client = edge.CreateClient();
        using (var warmUp = await SendAsync(client, edge.Tokens.Valid()))
        {
            Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
        }

        var before = edge.Identity.JwksDownloads;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            using var response = await SendAsync(client, edge.Tokens.Sign(edge.Tokens.Header(kid: "forged-" + attempt), edge.Tokens.Payload()));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.InRange(edge.Identity.JwksDownloads - before, 0, 1);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, TasksPath);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        return client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private string Forge(string kind)
    {
        var tokens = edge.Tokens;
        switch (kind)
        {
            case "expired":
                return tokens.Sign(tokens.Header(), tokens.Payload(lifetime: TimeSpan.FromMinutes(-5)));
            case "not yet valid":
            {
                var payload = tokens.Payload();
                payload["nbf"] = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
                return tokens.Sign(tokens.Header(), payload);
            }

            case "tampered payload":
            {
                var parts = tokens.Valid().Split('.');
                var payload = tokens.Payload();
                payload["tenant_id"] = "globex";
                return parts[0] + "." + TestTokens.Encode(payload) + "." + parts[2];
            }

            case "alg none":
                return TestTokens.Encode(tokens.Header(alg: "none")) + "." + TestTokens.Encode(tokens.Payload()) + ".";
            case "HS256 with the RSA public key":
            {
                var input = TestTokens.Encode(tokens.Header(alg: "HS256")) + "." + TestTokens.Encode(tokens.Payload());
                var mac = HMACSHA256.HashData(Encoding.ASCII.GetBytes(tokens.Key.ExportSubjectPublicKeyInfoPem()), Encoding.ASCII.GetBytes(input));
                return input + "." + System.Buffers.Text.Base64Url.EncodeToString(mac);
            }

            case "wrong audience":
            {
                var payload = tokens.Payload();
                payload["aud"] = "someone-else";
                return tokens.Sign(tokens.Header(), payload);
            }

            case "wrong issuer":
            {
                var payload = tokens.Payload();
                payload["iss"] = "http://evil.test/";
                return tokens.Sign(tokens.Header(), payload);
            }

            case "unknown kid":
            {
                using var other = RSA.Create(2048);
                return tokens.Sign(tokens.Header(kid: "unknown-kid"), tokens.Payload(), other);
            }

            case "refresh token":
                return tokens.Sign(tokens.Header(typ: "oi_reft+jwt"), tokens.Payload());
            case "no typ":
            {
                var header = tokens.Header();
                header.Remove("typ");
                return tokens.Sign(header, tokens.Payload());
            }

            case "embedded jwk":
            {
                // Signed by the attacker's key, which the header carries: the Edge must never use it.
                using var attacker = RSA.Create(2048);
                var header = tokens.Header(kid: "attacker");
                header["jwk"] = TestTokens.Jwks(("attacker", attacker))["keys"]![0]!.DeepClone();
                header["jku"] = "http://evil.test/jwks";
                return tokens.Sign(header, tokens.Payload(), attacker);
            }

            default:
                return "not-a-jwt";
        }
    }
}
