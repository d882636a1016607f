using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AgentCore.Gateway.Contracts;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentCore.Gateway.Identity.Tests;

/// <summary>Small helpers that speak OAuth the way a client does: form posts, JSON answers, a browser login.</summary>
internal static partial class TokenRequests
{
    public const string ApiToken = "/api/v1/auth/token";
    public const string ConnectToken = "/connect/token";
    public const string ServiceSecret = "dev-service-secret";
    public const string AdminSecret = "dev-admin-secret";
    public const string AlicePassword = "Alice-Passw0rd!";

    public static Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, params (string Name, string Value)[] fields) =>
        client.PostAsync(path, new FormUrlEncodedContent(fields.Select(field => new KeyValuePair<string, string>(field.Name, field.Value))), TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> ServiceTokenAsync(HttpClient client, string path = ApiToken) =>
        PostFormAsync(client, path, ("grant_type", "client_credentials"), ("client_id", "agentcore-service"), ("client_secret", ServiceSecret));

    public static Task<HttpResponseMessage> AdminTokenAsync(HttpClient client) =>
        PostFormAsync(client, ApiToken, ("grant_type", "client_credentials"), ("client_id", "agentcore-admin"), ("client_secret", AdminSecret));

    public static Task<HttpResponseMessage> PasswordTokenAsync(HttpClient client, string user, string password, string scope = "openid profile offline_access agents.read") =>
        PostFormAsync(client, ApiToken, ("grant_type", "password"), ("client_id", "agentcore-cli"), ("username", user), ("password", password), ("scope", scope));

    public static Task<HttpResponseMessage> RefreshAsync(HttpClient client, string refreshToken) =>
        PostFormAsync(client, ApiToken, ("grant_type", "refresh_token"), ("client_id", "agentcore-cli"), ("refresh_token", refreshToken));

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

    public static async Task<string> AccessTokenAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>The OAuth error inside the spec's envelope, after checking the envelope's status and code.</summary>
    public static async Task<string> EnvelopeErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("request_id").GetString()));
        return error.GetProperty("details").TryGetProperty("error", out var oauth) ? oauth.GetString()! : string.Empty;
    }

    public static (string Verifier, string Challenge) NewPkce()
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    /// <summary>
    /// Drives the browser side of the code flow: the authorize request, the login form (with its antiforgery token)
    /// and back. Returns where the server finally redirects, which is the client's redirect URI with a code or an error.
    /// </summary>
    public static async Task<Uri> AuthorizeAsync(HttpClient browser, IReadOnlyDictionary<string, string?> parameters, string user = "alice", string password = AlicePassword)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var location = new Uri(QueryHelpers.AddQueryString("/connect/authorize", parameters), UriKind.Relative);
        for (var hop = 0; hop < 6; hop++)
        {
            using var response = await browser.GetAsync(location, cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK && response.RequestMessage!.RequestUri!.AbsolutePath == "/connect/login")
            {
                location = await SubmitLoginAsync(browser, await response.Content.ReadAsStringAsync(cancellationToken), user, password);
                continue;
            }

            if (response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther))
            {
                // OpenIddict answers errors it cannot redirect (before the redirect URI is trusted) in the body.
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                var error = ErrorLine().Match(body);
                return new Uri($"status:{(int)response.StatusCode}" + (error.Success ? "?error=" + error.Groups[1].Value : string.Empty));
            }

            var next = response.Headers.Location!;
            if (next.IsAbsoluteUri && next.Host != "localhost")
            {
                return next;
            }

            location = next.IsAbsoluteUri ? new Uri(next.PathAndQuery, UriKind.Relative) : next;
        }

        throw new InvalidOperationException("The authorization flow did not end.");
    }

    private static async Task<Uri> SubmitLoginAsync(HttpClient browser, string page, string user, string password)
    {
        using var response = await PostLoginFormAsync(browser, page, user, password);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"login answered {(int)response.StatusCode}");
        return response.Headers.Location!;
    }

    /// <summary>Fills in and posts the login form of <paramref name="page"/> (with its antiforgery token), optionally with another return URL.</summary>
    public static async Task<HttpResponseMessage> PostLoginFormAsync(HttpClient browser, string page, string user, string password, string? returnUrl = null)
    {
        var fields = HiddenField().Matches(page).ToDictionary(match => WebUtility.HtmlDecode(match.Groups[1].Value), match => WebUtility.HtmlDecode(match.Groups[2].Value));
        fields["username"] = user;
        fields["password"] = password;
        if (returnUrl is not null)
        {
            fields["returnUrl"] = returnUrl;
        }

        return await browser.PostAsync("/connect/login", new FormUrlEncodedContent(fields), TestContext.Current.CancellationToken);
    }

    /// <summary>The authorization (refresh-token family) an access token belongs to, by which it is revoked.</summary>
    public static string? AuthorizationId(string accessToken) =>
        new JsonWebToken(accessToken).TryGetPayloadValue<string>(TokenRevocations.AuthorizationIdClaim, out var id) ? id : null;

    public static string? QueryValue(Uri uri, string name) =>
        QueryHelpers.ParseQuery(uri.Query).TryGetValue(name, out var value) ? value.ToString() : null;

    [GeneratedRegex("error\"?\\s*[:=]\\s*\"?([a-z_]+)")]
    private static partial Regex ErrorLine();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenField();
}
