using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AgentCore.Gateway.Contracts;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static AgentCore.Gateway.Identity.Tests.TokenRequests;

namespace AgentCore.Gateway.Identity.Tests;

[Collection(IdentityServerGroup.Name)]
public sealed class TokenGrantTests(IdentityServerFixture fixture)
{
    private readonly HttpClient client = fixture.Service.CreateClient();

    [Fact]
    public async Task Client_credentials_token_has_the_contract_fields_and_RFC_9068_claims_and_verifies_against_the_JWKS()
    {
        using var response = await ServiceTokenAsync(client);

        var accessToken = await AccessTokenAsync(response);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = await JsonAsync(response);
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.True(body.GetProperty("expires_in").GetInt32() > 0);
        Assert.Equal(["agents.read", "agents.write", "events.read"], body.GetProperty("scope").GetString()!.Split(' ').Order());
        Assert.False(body.TryGetProperty("refresh_token", out _));

        var token = await ValidateAsync(accessToken);
        Assert.Equal(GatewayTokens.AccessTokenType, token.Typ);
        Assert.Equal("agentcore-service", token.Subject);
        Assert.Equal("agentcore-service", token.GetClaim(GatewayClaims.ClientId).Value);
        Assert.Equal("acme", token.GetClaim(GatewayClaims.TenantId).Value);
        Assert.Equal([GatewayTokens.Audience], token.Audiences);
        Assert.False(string.IsNullOrEmpty(token.Id));
        Assert.True(token.TryGetPayloadValue<long>("iat", out var issuedAt));
        Assert.True(token.TryGetPayloadValue<long>("nbf", out var notBefore));
        Assert.Equal(issuedAt, notBefore);
    }

    [Fact]
    public async Task The_token_api_accepts_a_JSON_body()
    {
        using var content = new StringContent(
            """{"grant_type":"client_credentials","client_id":"agentcore-service","client_secret":"dev-service-secret","scope":"agents.read"}""",
            Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(ApiToken, content, TestContext.Current.CancellationToken);

        var token = new JsonWebToken(await AccessTokenAsync(response));
        Assert.Equal("agents.read", token.GetClaim(GatewayClaims.Scope).Value);
    }

    [Fact]
    public async Task Password_grant_gives_alice_a_token_with_tenant_and_roles_and_a_refresh_token()
    {
        using var response = await PasswordTokenAsync(client, "alice", AlicePassword);

        var token = await ValidateAsync(await AccessTokenAsync(response));
        var body = await JsonAsync(response);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("refresh_token").GetString()));
        Assert.Contains("agents.read", body.GetProperty("scope").GetString()!.Split(' '));
        Assert.Equal("acme", token.GetClaim(GatewayClaims.TenantId).Value);
        Assert.Equal("agent-operator", token.GetClaim(GatewayClaims.Roles).Value);
        Assert.Equal("agentcore-cli", token.GetClaim(GatewayClaims.ClientId).Value);
    }

    [Fact]
    public async Task Password_grant_is_refused_for_a_client_not_allowed_it()
    {
        using var response = await PostFormAsync(client, ApiToken, ("grant_type", "password"), ("client_id", "agentcore-service"),
            ("client_secret", ServiceSecret), ("username", "alice"), ("password", AlicePassword));

        Assert.Equal("unauthorized_client", await EnvelopeErrorAsync(response, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed));
    }

    [Fact]
    public async Task A_wrong_password_is_401_AUTHENTICATION_FAILED_with_invalid_grant()
    {
        using var response = await PasswordTokenAsync(client, "alice", "not-her-password");

        Assert.Equal("invalid_grant", await EnvelopeErrorAsync(response, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed));
    }

    [Fact]
    public async Task A_wrong_client_secret_is_401_with_invalid_client()
    {
        using var response = await PostFormAsync(client, ApiToken, ("grant_type", "client_credentials"), ("client_id", "agentcore-service"), ("client_secret", "wrong"));

        Assert.Equal("invalid_client", await EnvelopeErrorAsync(response, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed));
    }

    [Fact]
    public async Task The_standard_token_endpoint_answers_with_a_standard_OAuth_error_body()
    {
        using var response = await PostFormAsync(client, ConnectToken, ("grant_type", "client_credentials"), ("client_id", "agentcore-service"), ("client_secret", "wrong"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", (await JsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Client_secret_basic_authentication_works_on_the_standard_endpoint()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ConnectToken)
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("agentcore-admin:" + AdminSecret)));

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        var token = new JsonWebToken(await AccessTokenAsync(response));
        Assert.Contains("gateway.admin", token.GetClaim(GatewayClaims.Scope).Value.Split(' '));
    }

    [Fact]
    public async Task A_revoked_token_introspects_as_inactive()
    {
        var accessToken = await AccessTokenAsync(await ServiceTokenAsync(client));
        (string, string)[] credentials = [("client_id", "agentcore-service"), ("client_secret", ServiceSecret)];

        using var before = await PostFormAsync(client, "/connect/introspect", [("token", accessToken), .. credentials]);
        using var revoke = await PostFormAsync(client, "/connect/revoke", [("token", accessToken), .. credentials]);
        using var after = await PostFormAsync(client, "/connect/introspect", [("token", accessToken), .. credentials]);

        Assert.True((await JsonAsync(before)).GetProperty("active").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.False((await JsonAsync(after)).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Userinfo_returns_the_users_tenant_and_roles()
    {
        var accessToken = await AccessTokenAsync(await PasswordTokenAsync(client, "alice", AlicePassword));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connect/userinfo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal("acme", body.GetProperty(GatewayClaims.TenantId).GetString());
        Assert.Equal("alice", body.GetProperty("preferred_username").GetString());
    }

    [Fact]
    public async Task Discovery_publishes_the_issuer_the_endpoints_and_S256_only()
    {
        var discovery = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/.well-known/openid-configuration", TestContext.Current.CancellationToken);

        Assert.Equal(IdentityServerFixture.Issuer, discovery.GetProperty("issuer").GetString());
        Assert.Equal(["S256"], discovery.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(method => method.GetString()));
        Assert.EndsWith("/connect/token", discovery.GetProperty("token_endpoint").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("/connect/introspect", discovery.GetProperty("introspection_endpoint").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("/connect/revoke", discovery.GetProperty("revocation_endpoint").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("/connect/userinfo", discovery.GetProperty("userinfo_endpoint").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("/connect/logout", discovery.GetProperty("end_session_endpoint").GetString(), StringComparison.Ordinal);
    }

    private async Task<JsonWebToken> ValidateAsync(string accessToken)
    {
        var jwks = new JsonWebKeySet(await client.GetStringAsync("/.well-known/jwks", TestContext.Current.CancellationToken));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(accessToken, new TokenValidationParameters
        {
            ValidIssuer = IdentityServerFixture.Issuer,
            ValidAudience = GatewayTokens.Audience,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ValidTypes = [GatewayTokens.AccessTokenType],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        return (JsonWebToken)result.SecurityToken;
    }
}
