using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using AgentCore.Gateway.Identity.ApiKeys;
using AgentCore.Gateway.TestSupport.OpenApi;
using static AgentCore.Gateway.Identity.Tests.TokenRequests;

namespace AgentCore.Gateway.Identity.Tests;

/// <summary>
/// Holds Identity's real answers on the public paths (<c>/api/v1/auth/token</c>, <c>/api/v1/auth/api-keys</c>) against
/// the OpenAPI document the Edge publishes, and the documented request bodies against what the endpoints read.
/// </summary>
[Collection(IdentityServerGroup.Name)]
public sealed class PublicApiContractTests(IdentityServerFixture fixture)
{
    private const string Keys = "/api/v1/auth/api-keys";
    private const string Key = "/api/v1/auth/api-keys/{id}";
    private static readonly PublicApiContract Contract = PublicApiContract.Document;
    private readonly HttpClient client = fixture.Service.CreateClient();

    [Fact]
    public async Task The_snapshot_the_Edge_composes_from_is_the_document_the_service_serves() =>
        await PublicApiSnapshot.AssertCurrentAsync(client, "identity", TestContext.Current.CancellationToken);

    [Fact]
    public async Task Token_answers_for_every_grant_and_refusal_are_the_documented_ones()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var form = await ServiceTokenAsync(client);
        await MatchesAsync("post", ApiToken, form, HttpStatusCode.OK);

        using var json = await client.PostAsync(ApiToken, Json("""{"grant_type":"client_credentials","client_id":"agentcore-service","client_secret":"dev-service-secret","scope":["agents.read","agents.write"]}"""), cancellationToken);
        await MatchesAsync("post", ApiToken, json, HttpStatusCode.OK);

        using var password = await PasswordTokenAsync(client, "alice", AlicePassword);
        var user = await MatchesAsync("post", ApiToken, password, HttpStatusCode.OK);
        Assert.True(user.TryGetProperty("refresh_token", out _) && user.TryGetProperty("id_token", out _), "the user grant should show the optional tokens");

        using var refreshed = await RefreshAsync(client, user.GetProperty("refresh_token").GetString()!);
        await MatchesAsync("post", ApiToken, refreshed, HttpStatusCode.OK);

        using var wrongSecret = await PostFormAsync(client, ApiToken, ("grant_type", "client_credentials"), ("client_id", "agentcore-service"), ("client_secret", "wrong"));
        await MatchesAsync("post", ApiToken, wrongSecret, HttpStatusCode.Unauthorized);

        using var unknownGrant = await PostFormAsync(client, ApiToken, ("grant_type", "urn:example:magic"), ("client_id", "agentcore-service"), ("client_secret", ServiceSecret));
        await MatchesAsync("post", ApiToken, unknownGrant, HttpStatusCode.BadRequest);

        using var notAnObject = await client.PostAsync(ApiToken, Json("""["client_credentials"]"""), cancellationToken);
        await MatchesAsync("post", ApiToken, notAnObject, HttpStatusCode.BadRequest);

        using var plainText = await client.PostAsync(ApiToken, new StringContent("grant_type=client_credentials", Encoding.UTF8, "text/plain"), cancellationToken);
        await MatchesAsync("post", ApiToken, plainText, HttpStatusCode.BadRequest);

        using var tooLarge = await PostFormAsync(client, ApiToken, ("grant_type", "client_credentials"), ("padding", new string('x', 17 * 1024)));
        await MatchesAsync("post", ApiToken, tooLarge, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_token_exchange_answer_is_the_documented_one()
    {
        // An instance of its own, as the token-exchange tests have: the password grant here must not count against the shared per-client limit.
        var service = await fixture.CreateService(new Dictionary<string, string?> { ["Identity:TokenEndpoint:PermitsPerClient"] = "1000" });
        using var own = service.CreateClient();
        var user = await AccessTokenAsync(await PasswordTokenAsync(own, "alice", AlicePassword, "agents.read agents.write"));

        using var exchanged = await PostFormAsync(own, ApiToken,
            ("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"), ("client_id", "agent-orchestrator"), ("client_secret", "dev-agent-secret"),
            ("subject_token", user), ("subject_token_type", "urn:ietf:params:oauth:token-type:access_token"), ("resource", "http://localhost/mcp/agent-tools"));
        await MatchesAsync("post", ApiToken, exchanged, HttpStatusCode.OK);

        using var refused = await PostFormAsync(own, ApiToken,
            ("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"), ("client_id", "agent-orchestrator"), ("client_secret", "dev-agent-secret"),
            ("subject_token", user), ("subject_token_type", "urn:ietf:params:oauth:token-type:access_token"));
        await MatchesAsync("post", ApiToken, refused, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_documented_token_request_parameters_are_the_grants_parameters()
    {
        // OpenIddict reads the standard OAuth parameters; the ones the grants use are exactly the documented ones.
        string[] used =
        [
            "grant_type", "client_id", "client_secret", "scope", "resource", "username", "password", "code", "code_verifier", "redirect_uri", "refresh_token",
            "subject_token", "subject_token_type", "actor_token", "actor_token_type",
        ];
        PublicApiContract.AssertSameNames("token request", Contract.RequestPropertyNames("post", ApiToken, "application/x-www-form-urlencoded"), used);
        PublicApiContract.AssertSameNames("token request (JSON)", Contract.RequestPropertyNames("post", ApiToken), used);

        var grants = Contract.RequestSchema("post", ApiToken)["properties"]!["grant_type"]!["enum"]!.AsArray().Select(grant => (string)grant!);
        foreach (var grant in grants)
        {
            // A documented grant the server did not support would be unsupported_grant_type; anything else means it is known.
            using var response = await PostFormAsync(client, ApiToken, ("grant_type", grant), ("client_id", "agentcore-cli"));
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.DoesNotContain("unsupported_grant_type", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Api_key_answers_are_the_documented_ones()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var admin = await AccessTokenAsync(await AdminTokenAsync(client));

        using var created = await client.SendAsync(Request(HttpMethod.Post, Keys, admin, SampleKeyRequest().ToJsonString()), cancellationToken);
        var key = await MatchesAsync("post", Keys, created, HttpStatusCode.Created);
        var id = key.GetProperty("id").GetString()!;

        using var revoked = await client.SendAsync(Request(HttpMethod.Delete, $"{Keys}/{id}", admin), cancellationToken);
        await MatchesAsync("delete", Key, revoked, HttpStatusCode.NoContent);

        using var listed = await client.SendAsync(Request(HttpMethod.Get, Keys, admin), cancellationToken);
        var list = await MatchesAsync("get", Keys, listed, HttpStatusCode.OK);
        Assert.Contains(list.GetProperty("api_keys").EnumerateArray(), item => item.GetProperty("id").GetString() == id && item.TryGetProperty("revoked_at", out _));

        using var unknown = await client.SendAsync(Request(HttpMethod.Delete, $"{Keys}/{Guid.NewGuid()}", admin), cancellationToken);
        await MatchesAsync("delete", Key, unknown, HttpStatusCode.NotFound);

        using var invalid = await client.SendAsync(Request(HttpMethod.Post, Keys, admin, """{"name":" ","tenant_id":"nobody","scopes":[],"expires_in_days":0}"""), cancellationToken);
        await MatchesAsync("post", Keys, invalid, HttpStatusCode.UnprocessableEntity);

        using var malformed = await client.SendAsync(Request(HttpMethod.Post, Keys, admin, """{"name":"""), cancellationToken);
        await MatchesAsync("post", Keys, malformed, HttpStatusCode.BadRequest);

        using var notJson = await client.SendAsync(Request(HttpMethod.Post, Keys, admin, "name=x", "text/plain"), cancellationToken);
        await MatchesAsync("post", Keys, notJson, HttpStatusCode.UnsupportedMediaType);

        using var anonymous = await client.GetAsync(Keys, cancellationToken);
        await MatchesAsync("get", Keys, anonymous, HttpStatusCode.Unauthorized);

        var service = await AccessTokenAsync(await ServiceTokenAsync(client));
        using var forbidden = await client.SendAsync(Request(HttpMethod.Post, Keys, service, SampleKeyRequest().ToJsonString()), cancellationToken);
        await MatchesAsync("post", Keys, forbidden, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Revocation_answers_are_the_documented_ones()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var service = await fixture.CreateService(new Dictionary<string, string?>());
        using var own = service.CreateClient();
        var admin = await AccessTokenAsync(await AdminTokenAsync(own));
        var notAdmin = await AccessTokenAsync(await ServiceTokenAsync(own));
        const string SignOut = "/api/v1/auth/subjects/{subject}/sign-out";
        const string Disable = "/api/v1/auth/clients/{client_id}/disable";
        const string Enable = "/api/v1/auth/clients/{client_id}/enable";

        using var signedOut = await own.SendAsync(Request(HttpMethod.Post, "/api/v1/auth/subjects/someone/sign-out", admin), cancellationToken);
        await MatchesAsync("post", SignOut, signedOut, HttpStatusCode.OK);
        using var tooLong = await own.SendAsync(Request(HttpMethod.Post, $"/api/v1/auth/subjects/{new string('s', 201)}/sign-out", admin), cancellationToken);
        await MatchesAsync("post", SignOut, tooLong, HttpStatusCode.UnprocessableEntity);
        using var forbidden = await own.SendAsync(Request(HttpMethod.Post, "/api/v1/auth/subjects/someone/sign-out", notAdmin), cancellationToken);
        await MatchesAsync("post", SignOut, forbidden, HttpStatusCode.Forbidden);
        using var anonymous = await own.PostAsync("/api/v1/auth/subjects/someone/sign-out", null, cancellationToken);
        await MatchesAsync("post", SignOut, anonymous, HttpStatusCode.Unauthorized);

        using var disabled = await own.SendAsync(Request(HttpMethod.Post, "/api/v1/auth/clients/agentcore-cli/disable", admin), cancellationToken);
        await MatchesAsync("post", Disable, disabled, HttpStatusCode.OK);
        using var unknown = await own.SendAsync(Request(HttpMethod.Post, "/api/v1/auth/clients/nobody/disable", admin), cancellationToken);
        await MatchesAsync("post", Disable, unknown, HttpStatusCode.NotFound);
        using var enabled = await own.SendAsync(Request(HttpMethod.Post, "/api/v1/auth/clients/agentcore-cli/enable", admin), cancellationToken);
        await MatchesAsync("post", Enable, enabled, HttpStatusCode.NoContent);

        using var unknownUser = await own.SendAsync(Request(HttpMethod.Post, "/api/v1/auth/users/nobody/disable", admin), cancellationToken);
        await MatchesAsync("post", "/api/v1/auth/users/{user_id}/disable", unknownUser, HttpStatusCode.NotFound);
        using var enabledUser = await own.SendAsync(Request(HttpMethod.Post, "/api/v1/auth/users/nobody/enable", admin), cancellationToken);
        await MatchesAsync("post", "/api/v1/auth/users/{user_id}/enable", enabledUser, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_documented_api_key_request_is_the_one_the_endpoint_binds_with_its_limits_and_default()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        PublicApiContract.AssertSameNames(
            "POST /api/v1/auth/api-keys body",
            Contract.RequestPropertyNames("post", Keys),
            typeof(CreateApiKeyRequest).GetProperties().Select(property => property.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name));
        var admin = await AccessTokenAsync(await AdminTokenAsync(client));

        foreach (var required in Contract.RequiredRequestPropertyNames("post", Keys))
        {
            var body = SampleKeyRequest();
            body.Remove(required);
            using var response = await client.SendAsync(Request(HttpMethod.Post, Keys, admin, body.ToJsonString()), cancellationToken);
            var error = await MatchesAsync("post", Keys, response, HttpStatusCode.UnprocessableEntity);
            Assert.True(error.GetProperty("error").GetProperty("details").TryGetProperty(required, out _), $"omitting {required} should be reported as {required}");
        }

        var lifetime = Contract.RequestSchema("post", Keys)["properties"]!["expires_in_days"]!;
        var (minimum, maximum, byDefault) = ((int)lifetime["minimum"]!, (int)lifetime["maximum"]!, (int)lifetime["default"]!);
        foreach (var (days, status) in new[] { (minimum - 1, HttpStatusCode.UnprocessableEntity), (minimum, HttpStatusCode.Created), (maximum, HttpStatusCode.Created), (maximum + 1, HttpStatusCode.UnprocessableEntity) })
        {
            var body = SampleKeyRequest();
            body["expires_in_days"] = days;
            using var response = await client.SendAsync(Request(HttpMethod.Post, Keys, admin, body.ToJsonString()), cancellationToken);
            await MatchesAsync("post", Keys, response, status);
        }

        var withoutLifetime = SampleKeyRequest();
        withoutLifetime.Remove("expires_in_days");
        using var defaulted = await client.SendAsync(Request(HttpMethod.Post, Keys, admin, withoutLifetime.ToJsonString()), cancellationToken);
        var key = await MatchesAsync("post", Keys, defaulted, HttpStatusCode.Created);
        Assert.Equal(TimeSpan.FromDays(byDefault), key.GetProperty("expires_at").GetDateTimeOffset() - key.GetProperty("created_at").GetDateTimeOffset());
    }

    /// <summary>A valid body with every documented property.</summary>
    private static JsonObject SampleKeyRequest() => new()
    {
        ["name"] = "contract",
        ["tenant_id"] = "acme",
        ["scopes"] = new JsonArray("agents.read", "agents.write"),
        ["expires_in_days"] = 30,
    };

    private static async Task<JsonElement> MatchesAsync(string method, string path, HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await Contract.AssertMatchesAsync(method, path, response, TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}");
        return body ?? default;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static HttpRequestMessage Request(HttpMethod method, string path, string accessToken, string? body = null, string mediaType = "application/json")
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, mediaType);
        }

        return request;
    }
}
