using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AgentCore.Gateway.TestSupport;
using CsCheck;
using static AgentCore.Gateway.Identity.Tests.TokenRequests;

namespace AgentCore.Gateway.Identity.Tests;

/// <summary>
/// Generated hostile input through Identity's public endpoints: the token endpoints' JSON and form bodies, the API-key
/// admin API, the login page's return URL. None is a 500, every error has the envelope, and the service still issues
/// tokens afterwards.
/// </summary>
[Collection(IdentityServerGroup.Name)]
public sealed class HostileInputTests(IdentityServerFixture fixture) : IAsyncLifetime
{
    private static readonly string[] TokenFields = ["grant_type", "client_id", "client_secret", "username", "password", "scope"];

    private IdentityService service = null!;
    private HttpClient client = null!;

    /// <summary>An instance of its own whose token endpoint limits do not stop the generated requests first.</summary>
    public async ValueTask InitializeAsync()
    {
        service = await fixture.CreateService(new Dictionary<string, string?>
        {
            ["Identity:TokenEndpoint:PermitsPerClient"] = "100000",
            ["Identity:TokenEndpoint:PermitsPerAddress"] = "100000",
            ["Identity:Lockout:FreeAttempts"] = "100",
        });
        client = service.CreateClient();
    }

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Hostile_JSON_token_requests_get_400_or_401_with_the_envelope()
    {
        await Gen.Select(HostileInput.AnyText, Gen.OneOf(TokenFields.Select(Gen.Const).ToArray())).SampleAsync(async (text, field) =>
        {
            var fields = new Dictionary<string, string>
            {
                ["grant_type"] = "\"password\"", ["client_id"] = "\"agentcore-cli\"", ["username"] = "\"alice\"", ["password"] = "\"x\"",
                [field] = HostileInput.JsonString(text),
            };
            using var content = new StringContent("{" + string.Join(',', fields.Select(pair => $"\"{pair.Key}\":{pair.Value}")) + "}", Encoding.UTF8, "application/json");
            using var response = await client.PostAsync(ApiToken, content, TestContext.Current.CancellationToken);
            await AssertRefusedAsync(response, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.RequestEntityTooLarge);
        }, iter: 100, threads: 1);

        await HostileInput.OddJson.SampleAsync(async json =>
        {
            using var content = new StringContent(json, Encoding.UTF8, "application/json");
            using var response = await client.PostAsync(ApiToken, content, TestContext.Current.CancellationToken);
            await AssertRefusedAsync(response, HttpStatusCode.BadRequest);
        }, iter: 30, threads: 1);

        await AccessTokenAsync(await ServiceTokenAsync(client));
    }

    [Fact]
    public async Task Hostile_form_token_requests_get_400_or_401_with_the_envelope()
    {
        await Gen.Select(HostileInput.ControlText, Gen.OneOf(TokenFields.Select(Gen.Const).ToArray())).SampleAsync(async (text, field) =>
        {
            // A user name of its own: failed sign-ins count against the name, and other tests sign alice in.
            var fields = new Dictionary<string, string> { ["grant_type"] = "password", ["client_id"] = "agentcore-cli", ["username"] = "hostile-input-user", ["password"] = "x", [field] = text };
            using var content = new StringContent(string.Join('&', fields.Select(pair => $"{pair.Key}={HostileInput.QueryEscape(pair.Value)}")), Encoding.ASCII, "application/x-www-form-urlencoded");
            foreach (var path in new[] { ApiToken, ConnectToken })
            {
                using var response = await client.PostAsync(path, content, TestContext.Current.CancellationToken);
                Assert.True((int)response.StatusCode is 400 or 401, $"{(int)response.StatusCode} at {path}");
            }
        }, iter: 60, threads: 1);

        await AccessTokenAsync(await ServiceTokenAsync(client));
    }

    [Fact]
    public async Task Hostile_API_key_names_and_tenants_get_400_or_422_with_the_envelope()
    {
        var admin = await AccessTokenAsync(await AdminTokenAsync(client));
        await Gen.Select(HostileInput.AnyText, Gen.Bool).SampleAsync(async (text, inName) =>
        {
            var json = inName
                ? $"{{\"name\":{HostileInput.JsonString(text)},\"tenant_id\":\"acme\",\"scopes\":[\"agents.read\"]}}"
                : $"{{\"name\":\"ci\",\"tenant_id\":{HostileInput.JsonString(text)},\"scopes\":[\"agents.read\"]}}";
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/api-keys") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            await AssertRefusedAsync(response, HttpStatusCode.BadRequest, HttpStatusCode.UnprocessableEntity);
        }, iter: 60, threads: 1);
    }

    [Fact]
    public async Task A_return_url_with_control_or_non_ASCII_characters_signs_in_and_goes_to_the_root()
    {
        var returnUrls = Gen.OneOf(
            HostileInput.ControlText.Select(text => "/" + text.Replace('\0', '\t')),
            Gen.Const("/caf\u00e9"),
            Gen.Const("/\t/evil.example"),
            Gen.Const("/\\evil.example"));

        await returnUrls.SampleAsync(async returnUrl =>
        {
            using var browser = service.CreateBrowser();
            using var page = await browser.GetAsync("/connect/login", TestContext.Current.CancellationToken);
            using var response = await PostLoginFormAsync(browser, await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), "alice", AlicePassword, returnUrl);

            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/", response.Headers.Location?.OriginalString);
        }, iter: 25, threads: 1);
    }

    [Fact]
    public async Task A_return_url_with_a_control_character_in_the_query_is_400_with_the_envelope()
    {
        await HostileInput.ControlText.SampleAsync(async text =>
        {
            using var response = await client.GetAsync("/connect/login?returnUrl=" + HostileInput.QueryEscape("/" + text), TestContext.Current.CancellationToken);
            await AssertRefusedAsync(response, HttpStatusCode.BadRequest);
        }, iter: 30, threads: 1);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, params HttpStatusCode[] allowed)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(allowed.Contains(response.StatusCode), $"{(int)response.StatusCode}: {body}");
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.False(string.IsNullOrEmpty(error.GetProperty("code").GetString()));
        Assert.False(string.IsNullOrEmpty(error.GetProperty("request_id").GetString()));
    }
}
