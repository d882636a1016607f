using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AgentCore.Gateway.Contracts;
using Duende.IdentityModel;
using Duende.IdentityModel.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentCore.Gateway.EndToEnd.Tests;

/// <summary>
/// Identity through the Edge with a standard OpenID Connect client library (Duende.IdentityModel): discovery, every
/// grant, and each access token validated against the JWKS the discovery document names.
/// </summary>
[Collection(GatewayStackGroup.Name)]
public sealed partial class IdentityTokenTests(GatewayStackFixture stack)
{
    private const string CliClient = "agentcore-cli";

    [Fact]
    public async Task A_standard_OIDC_client_runs_every_grant_through_the_Edge_and_the_tokens_verify_against_the_published_JWKS()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var http = stack.CreateEdgeClient();
        var discovery = await http.GetDiscoveryDocumentAsync(
            new DiscoveryDocumentRequest { Address = http.BaseAddress!.ToString(), Policy = { RequireHttps = false } }, cancellationToken);
        Assert.False(discovery.IsError, discovery.Error);
        var jwks = await http.GetJsonWebKeySetAsync(discovery.JwksUri, cancellationToken);
        Assert.False(jwks.IsError, jwks.Error);
        var keys = new JsonWebKeySet(jwks.Raw);

        var service = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = discovery.TokenEndpoint,
            ClientId = "agentcore-service",
            ClientSecret = "dev-service-secret",
            Scope = "agents.read events.read",
        }, cancellationToken);
        var serviceToken = await ValidateAsync(service, discovery.Issuer!, keys);
        Assert.Equal("acme", serviceToken.GetClaim(GatewayClaims.TenantId).Value);

        var password = await http.RequestPasswordTokenAsync(new PasswordTokenRequest
        {
            Address = discovery.TokenEndpoint,
            ClientId = CliClient,
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
            UserName = "alice",
            Password = "Alice-Passw0rd!",
            Scope = "openid offline_access agents.read",
        }, cancellationToken);
        var aliceToken = await ValidateAsync(password, discovery.Issuer!, keys);
        Assert.Equal("agent-operator", aliceToken.GetClaim(GatewayClaims.Roles).Value);

        var refreshed = await RefreshAsync(http, discovery.TokenEndpoint!, password.RefreshToken!);
        await ValidateAsync(refreshed, discovery.Issuer!, keys);
        var replayed = await RefreshAsync(http, discovery.TokenEndpoint!, password.RefreshToken!);
        Assert.Equal(OidcConstants.TokenErrors.InvalidGrant, replayed.Error);
        var familyAfterReplay = await RefreshAsync(http, discovery.TokenEndpoint!, refreshed.RefreshToken!);
        Assert.Equal(OidcConstants.TokenErrors.InvalidGrant, familyAfterReplay.Error);

        var code = await AuthorizationCodeAsync(http.BaseAddress!, discovery, cancellationToken);
        var codeToken = await ValidateAsync(code, discovery.Issuer!, keys);
        Assert.Equal("acme", codeToken.GetClaim(GatewayClaims.TenantId).Value);
    }

    [Fact]
    public async Task The_spec_token_API_answers_through_the_Edge_with_the_contract_and_the_envelope()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var http = stack.CreateEdgeClient();

        using var issued = await http.PostAsJsonAsync("/api/v1/auth/token",
            new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = "agentcore-service", ["client_secret"] = "dev-service-secret" },
            cancellationToken);
        using var refused = await http.PostAsync("/api/v1/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = CliClient, ["username"] = "alice", ["password"] = "wrong",
        }), cancellationToken);

        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var body = await issued.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.True(body.GetProperty("expires_in").GetInt32() > 0);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("scope").GetString()));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var error = (await refused.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("error");
        Assert.Equal(ErrorCodes.AuthenticationFailed, error.GetProperty("code").GetString());
        Assert.Equal("invalid_grant", error.GetProperty("details").GetProperty("error").GetString());
    }

    private static Task<TokenResponse> RefreshAsync(HttpClient http, string tokenEndpoint, string refreshToken) =>
        http.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = tokenEndpoint,
            ClientId = CliClient,
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
            RefreshToken = refreshToken,
        }, TestContext.Current.CancellationToken);

    private static async Task<JsonWebToken> ValidateAsync(TokenResponse response, string issuer, JsonWebKeySet keys)
    {
        Assert.False(response.IsError, $"{response.Error}: {response.ErrorDescription}");
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(response.AccessToken, new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = GatewayTokens.Audience,
            IssuerSigningKeys = keys.GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ValidTypes = [GatewayTokens.AccessTokenType],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        return (JsonWebToken)result.SecurityToken;
    }

    /// <summary>The code flow as a browser does it, through the Edge: authorize, the login form, the redirect back.</summary>
    private static async Task<TokenResponse> AuthorizationCodeAsync(Uri edge, DiscoveryDocumentResponse discovery, CancellationToken cancellationToken)
    {
        const string redirectUri = "http://127.0.0.1:53682/callback";
        var verifier = CryptoRandom.CreateUniqueId(32);
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var authorize = new RequestUrl(discovery.AuthorizeEndpoint!).CreateAuthorizeUrl(
            clientId: CliClient,
            responseType: OidcConstants.ResponseTypes.Code,
            scope: "openid profile agents.read",
            redirectUri: redirectUri,
            state: "e2e-state",
            codeChallenge: challenge,
            codeChallengeMethod: OidcConstants.CodeChallengeMethods.Sha256);

        using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(handler) { BaseAddress = edge };
        var location = new Uri(authorize);
        for (var hop = 0; hop < 6 && !location.AbsoluteUri.StartsWith(redirectUri, StringComparison.Ordinal); hop++)
        {
            using var response = await browser.GetAsync(location, cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var page = await response.Content.ReadAsStringAsync(cancellationToken);
                var fields = HiddenField().Matches(page).ToDictionary(match => WebUtility.HtmlDecode(match.Groups[1].Value), match => WebUtility.HtmlDecode(match.Groups[2].Value));
                fields["username"] = "alice";
                fields["password"] = "Alice-Passw0rd!";
                using var login = await browser.PostAsync(new Uri(edge, "/connect/login"), new FormUrlEncodedContent(fields), cancellationToken);
                Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
                location = new Uri(edge, login.Headers.Location!);
                continue;
            }

            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{location} answered {(int)response.StatusCode}");
            location = new Uri(edge, response.Headers.Location!);
            Assert.True(location.AbsoluteUri.StartsWith(redirectUri, StringComparison.Ordinal) || location.Authority == edge.Authority,
                $"the flow left the Edge for {location}");
        }

        var callback = new AuthorizeResponse(location.AbsoluteUri);
        Assert.Equal("e2e-state", callback.State);
        return await browser.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = discovery.TokenEndpoint,
            ClientId = CliClient,
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
            Code = callback.Code!,
            RedirectUri = redirectUri,
            CodeVerifier = verifier,
        }, cancellationToken);
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenField();
}
