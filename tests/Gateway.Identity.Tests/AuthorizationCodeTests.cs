using System.Net;
using Microsoft.IdentityModel.JsonWebTokens;
using static AgentCore.Gateway.Identity.Tests.TokenRequests;

namespace AgentCore.Gateway.Identity.Tests;

[Collection(IdentityServerGroup.Name)]
public sealed class AuthorizationCodeTests(IdentityServerFixture fixture)
{
    private const string RedirectUri = "http://127.0.0.1:49152/callback";

    [Fact]
    public async Task Code_flow_with_PKCE_S256_and_a_loopback_port_issues_access_id_and_refresh_tokens()
    {
        var (verifier, challenge) = NewPkce();
        var code = await CodeAsync(challenge, "S256");

        using var response = await RedeemAsync(code, verifier);

        var access = new JsonWebToken(await AccessTokenAsync(response));
        var body = await JsonAsync(response);
        Assert.Equal("acme", access.GetClaim("tenant_id").Value);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("id_token").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("refresh_token").GetString()));
    }

    [Fact]
    public async Task Redeeming_a_code_without_the_verifier_fails()
    {
        var (_, challenge) = NewPkce();
        var code = await CodeAsync(challenge, "S256");

        using var response = await RedeemAsync(code, verifier: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await JsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Redeeming_a_code_with_the_wrong_verifier_fails()
    {
        var (_, challenge) = NewPkce();
        var code = await CodeAsync(challenge, "S256");

        using var response = await RedeemAsync(code, NewPkce().Verifier);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_grant", (await JsonAsync(response)).GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("plain")]
    [InlineData(null)]
    public async Task The_plain_method_is_refused_at_the_authorization_endpoint(string? method)
    {
        var (verifier, _) = NewPkce();

        var result = await AuthorizeWithAsync(verifier, method);

        Assert.True(QueryValue(result, "error") == "invalid_request", result.ToString());
        Assert.Null(QueryValue(result, "code"));
    }

    [Fact]
    public async Task A_missing_code_challenge_is_refused_at_the_authorization_endpoint()
    {
        var result = await AuthorizeWithAsync(challenge: null, method: null);

        Assert.True(QueryValue(result, "error") == "invalid_request", result.ToString());
        Assert.Null(QueryValue(result, "code"));
    }

    [Fact]
    public async Task A_redirect_uri_that_is_not_registered_is_refused()
    {
        using var browser = fixture.Service.CreateBrowser();
        var (_, challenge) = NewPkce();

        var result = await AuthorizeAsync(browser, Parameters(challenge, "S256", "http://127.0.0.1:49152/elsewhere"));

        Assert.Equal("status:400", result.GetLeftPart(UriPartial.Path));
    }

    private async Task<string> CodeAsync(string challenge, string method)
    {
        var result = await AuthorizeWithAsync(challenge, method);
        Assert.Equal("state-1", QueryValue(result, "state"));
        Assert.StartsWith(RedirectUri, result.ToString(), StringComparison.Ordinal);
        return QueryValue(result, "code") ?? throw new InvalidOperationException("No code in " + result);
    }

    private async Task<Uri> AuthorizeWithAsync(string? challenge, string? method)
    {
        using var browser = fixture.Service.CreateBrowser();
        return await AuthorizeAsync(browser, Parameters(challenge, method, RedirectUri));
    }

    private static Dictionary<string, string?> Parameters(string? challenge, string? method, string redirectUri)
    {
        var parameters = new Dictionary<string, string?>
        {
            ["client_id"] = "agentcore-cli",
            ["response_type"] = "code",
            ["redirect_uri"] = redirectUri,
            ["scope"] = "openid profile offline_access agents.read",
            ["state"] = "state-1",
            ["nonce"] = "nonce-1",
        };
        if (challenge is not null)
        {
            parameters["code_challenge"] = challenge;
        }

        if (method is not null)
        {
            parameters["code_challenge_method"] = method;
        }

        return parameters;
    }

    private async Task<HttpResponseMessage> RedeemAsync(string code, string? verifier)
    {
        using var client = fixture.Service.CreateClient();
        (string, string)[] fields = [("grant_type", "authorization_code"), ("client_id", "agentcore-cli"), ("code", code), ("redirect_uri", RedirectUri)];
        return await PostFormAsync(client, ConnectToken, verifier is null ? fields : [.. fields, ("code_verifier", verifier)]);
    }
}
