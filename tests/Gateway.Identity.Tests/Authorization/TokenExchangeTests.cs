using System.Net;
using System.Text.Json.Nodes;
using AgentCore.Gateway.Contracts;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static AgentCore.Gateway.Identity.Tests.TokenRequests;

namespace AgentCore.Gateway.Identity.Tests.Authorization;

/// <summary>
/// RFC 8693 token exchange against the development policy (appsettings.Development.json): the orchestrator acts for acme's
/// users toward the MCP server with agents.read and agents.write, the researcher for the orchestrator with agents.read, the
/// summarizer for the researcher; chains are at most two agents deep. Each test has its own instance, so the password
/// grants here do not count against the shared instance's per-client rate limit.
/// </summary>
[Collection(IdentityServerGroup.Name)]
public sealed class TokenExchangeTests(IdentityServerFixture fixture) : IAsyncLifetime
{
    private const string Resource = "http://localhost/mcp/agent-tools";
    private const string AgentSecret = "dev-agent-secret";
    private const string BothScopes = "agents.read agents.write";

    private HttpClient client = null!;

    public async ValueTask InitializeAsync()
    {
        var service = await fixture.CreateService(new Dictionary<string, string?> { ["Identity:TokenEndpoint:PermitsPerClient"] = "1000" });
        client = service.CreateClient();
    }

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task An_agent_gets_a_short_lived_token_for_the_user_toward_one_resource_whose_act_names_it()
    {
        var userToken = await UserTokenAsync("alice", AlicePassword, "offline_access " + BothScopes);

        var delegated = Payload(await AccessTokenAsync(await ExchangeAsync("agent-orchestrator", userToken)));

        var user = Payload(userToken);
        Assert.Equal(user["sub"]!.GetValue<string>(), delegated["sub"]!.GetValue<string>());
        Assert.Equal("acme", delegated[GatewayClaims.TenantId]!.GetValue<string>());
        Assert.Equal(Resource, Audiences(delegated).Single());
        Assert.Equal(BothScopes, string.Join(' ', delegated["scope"]!.GetValue<string>().Split(' ').Order()));
        Assert.Equal("agent-orchestrator", delegated["act"]!["sub"]!.GetValue<string>());
        Assert.Equal("agent-orchestrator", delegated["act"]!["client_id"]!.GetValue<string>());
        Assert.Null(delegated["act"]!["act"]);
        Assert.Equal(300, delegated["exp"]!.GetValue<long>() - delegated["iat"]!.GetValue<long>());
        Assert.Equal(AuthorizationId(userToken), AuthorizationId(await AccessTokenAsync(await ExchangeAsync("agent-orchestrator", userToken))));
    }

    [Fact]
    public async Task A_requested_scope_narrows_the_token_but_never_beyond_what_the_user_holds_or_the_policy_allows()
    {
        var userToken = await UserTokenAsync("alice", AlicePassword, BothScopes);
        var readOnlyUserToken = await UserTokenAsync("alice", AlicePassword, GatewayScopes.AgentsRead);
        var signInOnlyUserToken = await UserTokenAsync("alice", AlicePassword, "openid profile");
        var orchestratorToken = await AccessTokenAsync(await ExchangeAsync("agent-orchestrator", userToken));

        var narrowed = Payload(await AccessTokenAsync(await ExchangeAsync("agent-orchestrator", userToken, scope: GatewayScopes.AgentsRead)));

        Assert.Equal(GatewayScopes.AgentsRead, narrowed["scope"]!.GetValue<string>());
        Assert.Equal(GatewayScopes.AgentsRead, Payload(await AccessTokenAsync(await ExchangeAsync("agent-researcher", orchestratorToken)))["scope"]!.GetValue<string>());
        Assert.Equal("invalid_scope", await RefusalAsync(await ExchangeAsync("agent-orchestrator", readOnlyUserToken, scope: GatewayScopes.AgentsWrite)));
        Assert.Equal("invalid_scope", await RefusalAsync(await ExchangeAsync("agent-researcher", orchestratorToken, scope: GatewayScopes.AgentsWrite)));
        Assert.Equal("invalid_scope", await RefusalAsync(await ExchangeAsync("agent-orchestrator", signInOnlyUserToken)));
    }

    [Fact]
    public async Task The_policy_names_the_resource_the_tenant_and_the_calling_client()
    {
        var aliceToken = await UserTokenAsync("alice", AlicePassword, BothScopes);
        var bobToken = await UserTokenAsync("bob", "Bob-Passw0rd!", BothScopes);
        var serviceToken = await AccessTokenAsync(await ServiceTokenAsync(client, ConnectToken));

        Assert.Equal("invalid_target", await RefusalAsync(await ExchangeAsync("agent-orchestrator", aliceToken, resource: null)));
        Assert.Equal("invalid_grant", await RefusalAsync(await ExchangeAsync("agent-orchestrator", bobToken)));
        Assert.Equal("unauthorized_client", await RefusalAsync(await ExchangeAsync("agentcore-service", aliceToken, secret: ServiceSecret)));
        Assert.Equal("invalid_request", await RefusalAsync(await ExchangeAsync("agent-orchestrator", aliceToken, actorToken: serviceToken)));
    }

    [Fact]
    public async Task A_sub_agent_nests_act_only_for_its_delegator_and_the_chain_stops_at_the_depth_limit()
    {
        var userToken = await UserTokenAsync("alice", AlicePassword, BothScopes);
        var orchestratorToken = await AccessTokenAsync(await ExchangeAsync("agent-orchestrator", userToken));

        var researcherToken = await AccessTokenAsync(await ExchangeAsync("agent-researcher", orchestratorToken));

        var nested = Payload(researcherToken);
        Assert.Equal(Payload(userToken)["sub"]!.GetValue<string>(), nested["sub"]!.GetValue<string>());
        Assert.Equal("agent-researcher", nested["act"]!["sub"]!.GetValue<string>());
        Assert.Equal("agent-orchestrator", nested["act"]!["act"]!["sub"]!.GetValue<string>());
        Assert.Null(nested["act"]!["act"]!["act"]);

        // The summarizer works for the researcher, so only the depth stops it here; it never works for the orchestrator,
        // and the orchestrator (no delegators) may exchange only a user's own token.
        Assert.Equal("invalid_grant", await RefusalAsync(await ExchangeAsync("agent-summarizer", researcherToken), "deeper than 2"));
        Assert.Equal("invalid_grant", await RefusalAsync(await ExchangeAsync("agent-summarizer", orchestratorToken), "agent the subject token was delegated to"));
        Assert.Equal("invalid_grant", await RefusalAsync(await ExchangeAsync("agent-orchestrator", researcherToken), "agent the subject token was delegated to"));
    }

    [Fact]
    public async Task Revoking_the_users_session_revokes_what_agents_derived_from_it()
    {
        var login = await JsonAsync(await PasswordTokenAsync(client, "alice", AlicePassword, "offline_access " + BothScopes));
        var userToken = login.GetProperty("access_token").GetString()!;
        var orchestratorToken = await AccessTokenAsync(await ExchangeAsync("agent-orchestrator", userToken));
        await AccessTokenAsync(await ExchangeAsync("agent-researcher", orchestratorToken));

        using var revoke = await PostFormAsync(client, "/connect/revoke", ("token", login.GetProperty("refresh_token").GetString()!), ("client_id", "agentcore-cli"), ("token_type_hint", "refresh_token"));

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal("invalid_grant", await RefusalAsync(await ExchangeAsync("agent-researcher", orchestratorToken)));
        Assert.Equal(AuthorizationId(userToken), AuthorizationId(orchestratorToken));
    }

    private async Task<string> UserTokenAsync(string user, string password, string scope) =>
        await AccessTokenAsync(await PasswordTokenAsync(client, user, password, scope));

    private Task<HttpResponseMessage> ExchangeAsync(
        string agent, string subjectToken, string? resource = Resource, string? scope = null, string secret = AgentSecret, string? actorToken = null)
    {
        List<(string, string)> form =
        [
            ("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"), ("client_id", agent), ("client_secret", secret),
            ("subject_token", subjectToken), ("subject_token_type", "urn:ietf:params:oauth:token-type:access_token"),
        ];
        if (resource is not null)
        {
            form.Add(("resource", resource));
        }

        if (scope is not null)
        {
            form.Add(("scope", scope));
        }

        if (actorToken is not null)
        {
            form.AddRange([("actor_token", actorToken), ("actor_token_type", "urn:ietf:params:oauth:token-type:access_token")]);
        }

        return PostFormAsync(client, ConnectToken, [.. form]);
    }

    /// <summary>The OAuth error of a refused exchange, after checking it is a 400 and, if given, what its description says.</summary>
    private static async Task<string> RefusalAsync(HttpResponseMessage response, string? description = null)
    {
        using (response)
        {
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body.ToJsonString()}");
            if (description is not null)
            {
                Assert.Contains(description, body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
            }

            return body["error"]!.GetValue<string>();
        }
    }

    private static JsonNode Payload(string accessToken) =>
        JsonNode.Parse(Base64UrlEncoder.Decode(new JsonWebToken(accessToken).EncodedPayload))!;

    private static IEnumerable<string> Audiences(JsonNode claims) =>
        claims["aud"] is JsonArray audiences ? audiences.Select(audience => audience!.GetValue<string>()) : [claims["aud"]!.GetValue<string>()];
}
