using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentCore.Gateway.Browser.Tests.Infrastructure;

/// <summary>The AgentCore CLI's side of the authorization code flow with PKCE (S256) on a loopback redirect.</summary>
internal sealed class CodeFlow
{
    public const string ClientId = "agentcore-cli";
    public const string Scope = "openid profile agents.read";

    private readonly string verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    public CodeFlow(Uri edge, Uri redirectUri)
    {
        Edge = edge;
        RedirectUri = redirectUri;
    }

    public Uri Edge { get; }

    public Uri RedirectUri { get; }

    public string State { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Where the CLI sends the browser.</summary>
    public Uri AuthorizationUrl => new(QueryHelpers.AddQueryString(new Uri(Edge, "/connect/authorize").ToString(), new Dictionary<string, string?>
    {
        ["client_id"] = ClientId,
        ["redirect_uri"] = RedirectUri.ToString(),
        ["response_type"] = "code",
        ["scope"] = Scope,
        ["state"] = State,
        ["code_challenge"] = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
        ["code_challenge_method"] = "S256",
    }));

    /// <summary>Redeems the code at the token endpoint through the Edge, as the CLI does; fails the test on refusal.</summary>
    public async Task<JsonWebToken> RedeemAsync(string code)
    {
        using var client = new HttpClient { BaseAddress = Edge };
        using var form = new FormUrlEncodedContent(
        [
            new("grant_type", "authorization_code"),
            new("code", code),
            new("redirect_uri", RedirectUri.ToString()),
            new("client_id", ClientId),
            new("code_verifier", verifier),
        ]);
        using var response = await client.PostAsync(new Uri("/connect/token", UriKind.Relative), form, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"The token endpoint answered {(int)response.StatusCode}: {body}");
        return new JsonWebToken(JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString());
    }
}
