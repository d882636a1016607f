using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AgentCore.Gateway.Audit.Redaction;
using AgentCore.Gateway.Audit.Storage;
using AgentCore.Gateway.Audit.Tests.Infrastructure;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.TestSupport;
using AgentCore.Gateway.TestSupport.OpenApi;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace AgentCore.Gateway.Audit.Tests.Query;

public sealed class AuditQueryTests(AuditInfrastructure infrastructure) : IClassFixture<AuditInfrastructure>, IAsyncLifetime
{
    private const string Events = "/api/v1/audit/events";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);
    private GatewayTokenServer tokens = null!;
    private AuditService service = null!;

    public async ValueTask InitializeAsync()
    {
        tokens = await GatewayTokenServer.StartAsync();
        service = new AuditService(infrastructure, await infrastructure.ResetAsync(), new Dictionary<string, string?>
        {
            ["Authentication:Jwt:MetadataAddress"] = tokens.MetadataAddress,
        });
        await service.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await service.DisposeAsync();
        await tokens.DisposeAsync();
    }

    [Fact]
    public async Task The_snapshot_the_Edge_composes_from_is_the_document_the_service_serves()
    {
        using var client = service.CreateClient();
        await PublicApiSnapshot.AssertCurrentAsync(client, "audit", TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_tenant_admin_never_sees_another_tenants_events()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await StoreAsync(
            [.. Enumerable.Range(0, 3).Select(_ => AuditEvents.Create(tenantId: "tenant-a")),
             .. Enumerable.Range(0, 4).Select(_ => AuditEvents.Create(tenantId: "tenant-b")),
             AuditEvents.Create(tenantId: null)],
            cancellationToken);
        using var client = ClientWith(tokens.CreateClientToken("tenant-a-admin", GatewayScopes.AuditRead, tenantId: "tenant-a"));

        var own = await GetPageAsync(client, Events, cancellationToken);
        Assert.Equal(3, own.Events.Count);
        Assert.All(own.Events, item => Assert.Equal("tenant-a", item.Actor.TenantId));

        var explicitOwn = await GetPageAsync(client, $"{Events}?tenant_id=tenant-a", cancellationToken);
        Assert.Equal(3, explicitOwn.Events.Count);

        using var other = await client.GetAsync(new Uri($"{Events}?tenant_id=tenant-b", UriKind.Relative), cancellationToken);
        await AssertEnvelopeAsync(other, HttpStatusCode.Forbidden, ErrorCodes.AuthorizationDenied, cancellationToken);
    }

    [Fact]
    public async Task Hostile_filters_get_400_with_the_envelope_never_503_and_the_query_still_answers()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var client = ClientWith(tokens.CreateClientToken("agentcore-admin", GatewayScopes.AuditRead));
        var filters = Gen.OneOf(Gen.Const("tenant_id"), Gen.Const("type"), Gen.Const("client_id"), Gen.Const("subject"), Gen.Const("outcome"), Gen.Const("cursor"), Gen.Const("from"), Gen.Const("limit"));

        await Gen.Select(Gen.OneOf(HostileInput.ControlText, HostileInput.Overlong), filters).SampleAsync(async (text, filter) =>
        {
            using var response = await client.GetAsync(new Uri($"{Events}?{filter}={HostileInput.QueryEscape(text)}", UriKind.Relative), cancellationToken);
            await AssertEnvelopeAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, cancellationToken);
        }, iter: 80, threads: 1);

        await GetPageAsync(client, Events, cancellationToken);
    }

    [Fact]
    public async Task A_platform_admin_sees_every_tenant_and_can_filter_by_one()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await StoreAsync([AuditEvents.Create(tenantId: "tenant-a"), AuditEvents.Create(tenantId: "tenant-b"), AuditEvents.Create(tenantId: null)], cancellationToken);
        using var client = ClientWith(tokens.CreateClientToken("agentcore-admin", $"{GatewayScopes.AuditRead} {GatewayScopes.GatewayAdmin}"));

        Assert.Equal(3, (await GetPageAsync(client, Events, cancellationToken)).Events.Count);
        var tenantB = await GetPageAsync(client, $"{Events}?tenant_id=tenant-b", cancellationToken);
        Assert.Equal("tenant-b", Assert.Single(tenantB.Events).Actor.TenantId);
    }

    [Fact]
    public async Task Without_the_audit_read_scope_the_answer_is_403_and_without_a_token_401()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var noScope = ClientWith(tokens.CreateClientToken("agentcore-admin", GatewayScopes.AgentsRead));
        using var forbidden = await noScope.GetAsync(new Uri(Events, UriKind.Relative), cancellationToken);
        await AssertEnvelopeAsync(forbidden, HttpStatusCode.Forbidden, ErrorCodes.AuthorizationDenied, cancellationToken);

        using var anonymous = service.CreateClient();
        using var unauthorized = await anonymous.GetAsync(new Uri(Events, UriKind.Relative), cancellationToken);
        await AssertEnvelopeAsync(unauthorized, HttpStatusCode.Unauthorized, ErrorCodes.AuthenticationFailed, cancellationToken);
    }

    [Fact]
    public async Task The_cursor_walks_every_event_once_newest_first()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);

        // Two events share each timestamp, so the id must break ties for the keyset to be exact.
        var stored = Enumerable.Range(0, 11).Select(index => AuditEvents.Create(timestamp: start.AddSeconds(index / 2))).ToList();
        await StoreAsync(stored, cancellationToken);
        using var client = ClientWith(tokens.CreateClientToken("agentcore-admin", GatewayScopes.AuditRead));

        var seen = new List<AuditEventItem>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await GetPageAsync(client, cursor is null ? $"{Events}?limit=3" : $"{Events}?limit=3&cursor={cursor}", cancellationToken);
            seen.AddRange(page.Events);
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(4, pages);
        Assert.Equal(stored.Select(auditEvent => auditEvent.Id).Order(), seen.Select(item => item.Id).Order());
        Assert.Equal(seen.OrderByDescending(item => item.Timestamp).Select(item => item.Timestamp), seen.Select(item => item.Timestamp));
    }

    [Fact]
    public async Task Filters_by_type_actor_and_time_range()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var now = DateTimeOffset.UtcNow;
        var failed = AuditEvents.Create(type: AuditEventTypes.TokenFailed, outcome: AuditOutcomes.Failure, clientId: "client-x", timestamp: now.AddMinutes(-5));
        var login = AuditEvents.Create(type: AuditEventTypes.LoginSucceeded, subject: "alice", clientId: "client-y", timestamp: now.AddMinutes(-3));
        var old = AuditEvents.Create(type: AuditEventTypes.TokenIssued, subject: "alice", timestamp: now.AddDays(-2));
        await StoreAsync([failed, login, old], cancellationToken);
        using var client = ClientWith(tokens.CreateClientToken("agentcore-admin", GatewayScopes.AuditRead));

        Assert.Equal(failed.Id, Assert.Single((await GetPageAsync(client, $"{Events}?type={AuditEventTypes.TokenFailed}", cancellationToken)).Events).Id);
        Assert.Equal(failed.Id, Assert.Single((await GetPageAsync(client, $"{Events}?client_id=client-x", cancellationToken)).Events).Id);
        var alice = await GetPageAsync(client, $"{Events}?subject=alice", cancellationToken);
        Assert.Equal([login.Id, old.Id], alice.Events.Select(item => item.Id));
        var lastHour = await GetPageAsync(client, $"{Events}?subject=alice&from={Uri.EscapeDataString(now.AddHours(-1).ToString("O"))}", cancellationToken);
        Assert.Equal(login.Id, Assert.Single(lastHour.Events).Id);
        var before = await GetPageAsync(client, $"{Events}?to={Uri.EscapeDataString(now.AddDays(-1).ToString("O"))}", cancellationToken);
        Assert.Equal(old.Id, Assert.Single(before.Events).Id);
    }

    [Theory]
    [InlineData("cursor=not-a-cursor")]
    [InlineData("limit=0")]
    [InlineData("limit=many")]
    [InlineData("from=yesterday")]
    [InlineData("from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z")]
    public async Task Bad_parameters_get_400_with_the_error_envelope(string query)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var client = ClientWith(tokens.CreateClientToken("agentcore-admin", GatewayScopes.AuditRead));
        using var response = await client.GetAsync(new Uri($"{Events}?{query}", UriKind.Relative), cancellationToken);
        await AssertEnvelopeAsync(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest, cancellationToken);
    }

    [Fact]
    public async Task Answers_are_the_ones_the_published_openapi_document_describes()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await StoreAsync(
            [AuditEvents.Create(subject: "alice", reason: "bad_secret", outcome: AuditOutcomes.Failure, details: new Dictionary<string, string> { ["grant_type"] = "password" }),
             AuditEvents.Create(tenantId: null, clientId: null, sourceAddress: null, route: null)],
            cancellationToken);
        using var platformAdmin = ClientWith(tokens.CreateClientToken("agentcore-admin", GatewayScopes.AuditRead));
        using var tenantAdmin = ClientWith(tokens.CreateClientToken("tenant-a-admin", GatewayScopes.AuditRead, tenantId: "tenant-a"));
        using var noScope = ClientWith(tokens.CreateClientToken("agentcore-admin", GatewayScopes.AgentsRead));
        using var anonymous = service.CreateClient();

        var firstPage = await MatchesAsync(platformAdmin, "?limit=1", HttpStatusCode.OK, cancellationToken);
        var cursor = firstPage.GetProperty("next_cursor").GetString();
        var lastPage = await MatchesAsync(platformAdmin, $"?limit=1&cursor={cursor}", HttpStatusCode.OK, cancellationToken);
        Assert.Equal(JsonValueKind.Null, lastPage.GetProperty("next_cursor").ValueKind);
        await MatchesAsync(platformAdmin, "?limit=many", HttpStatusCode.BadRequest, cancellationToken);
        await MatchesAsync(tenantAdmin, "?tenant_id=tenant-b", HttpStatusCode.Forbidden, cancellationToken);
        await MatchesAsync(noScope, string.Empty, HttpStatusCode.Forbidden, cancellationToken);
        await MatchesAsync(anonymous, string.Empty, HttpStatusCode.Unauthorized, cancellationToken);
    }

    [Fact]
    public async Task Every_documented_query_parameter_is_read_and_the_documented_limit_bounds_and_default_hold()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var now = DateTimeOffset.UtcNow;
        var older = AuditEvents.Create(type: AuditEventTypes.LoginFailed, tenantId: "tenant-a", clientId: "client-a", subject: "alice", outcome: AuditOutcomes.Failure, timestamp: now.AddHours(-2));
        var newer = AuditEvents.Create(type: AuditEventTypes.TokenIssued, tenantId: "tenant-b", clientId: "client-b", subject: "bob", outcome: AuditOutcomes.Success, timestamp: now.AddHours(-1));
        await StoreAsync([older, newer], cancellationToken);
        using var client = ClientWith(tokens.CreateClientToken("agentcore-admin", GatewayScopes.AuditRead));
        var between = Uri.EscapeDataString(now.AddMinutes(-90).ToString("O", CultureInfo.InvariantCulture));
        var cursor = (await MatchesAsync(client, "?limit=1", HttpStatusCode.OK, cancellationToken)).GetProperty("next_cursor").GetString();

        // Each documented parameter, given a value that only the older event (or only the newer) matches.
        var narrowing = new Dictionary<string, (string Value, AuditEvent Expected)>
        {
            ["from"] = (between, newer),
            ["to"] = (between, older),
            ["type"] = (older.Type, older),
            ["tenant_id"] = (older.Actor.TenantId!, older),
            ["client_id"] = (older.Actor.ClientId!, older),
            ["subject"] = (older.Actor.Subject!, older),
            ["outcome"] = (older.Outcome, older),
            ["limit"] = ("1", newer),
            ["cursor"] = (cursor!, older),
        };
        var documented = PublicApiContract.Document.Parameters("get", Events, "query");
        PublicApiContract.AssertSameNames("GET /api/v1/audit/events query", documented.Keys, narrowing.Keys);
        foreach (var (name, (value, expected)) in narrowing)
        {
            var page = await MatchesAsync(client, $"?{name}={value}", HttpStatusCode.OK, cancellationToken);
            Assert.True(page.GetProperty("events").GetArrayLength() == 1 && page.GetProperty("events")[0].GetProperty("id").GetGuid() == expected.Id, $"{name} did not narrow the answer");
        }

        var limit = documented["limit"]["schema"]!;
        var (maximum, byDefault) = ((int)limit["maximum"]!, (int)limit["default"]!);
        await MatchesAsync(client, $"?limit={maximum}", HttpStatusCode.OK, cancellationToken);
        await MatchesAsync(client, $"?limit={maximum + 1}", HttpStatusCode.BadRequest, cancellationToken);
        await StoreAsync([.. Enumerable.Range(0, byDefault).Select(_ => AuditEvents.Create())], cancellationToken);
        var defaultPage = await MatchesAsync(client, string.Empty, HttpStatusCode.OK, cancellationToken);
        Assert.Equal(byDefault, defaultPage.GetProperty("events").GetArrayLength());
        Assert.Equal(JsonValueKind.String, defaultPage.GetProperty("next_cursor").ValueKind);
    }

    private static async Task<JsonElement> MatchesAsync(HttpClient client, string query, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(new Uri(Events + query, UriKind.Relative), cancellationToken);
        var body = await PublicApiContract.Document.AssertMatchesAsync("get", Events, response, cancellationToken);
        Assert.True(response.StatusCode == expected, $"{query}: expected {(int)expected}, got {(int)response.StatusCode}");
        return body!.Value;
    }

    private async Task StoreAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        var redactor = service.Services.GetRequiredService<AuditEventRedactor>();
        var records = events.Select(auditEvent => redactor.ToRecord(auditEvent, DateTimeOffset.UtcNow)).ToList();
        await service.Services.GetRequiredService<AuditWriter>().WriteAsync(records, [], cancellationToken);
    }

    [Fact]
    public async Task A_call_around_the_edge_gets_401_with_the_envelope_even_with_a_valid_token()
    {
        using var client = ClientWith(tokens.CreateClientToken("agentcore-admin", GatewayScopes.AuditRead));
        client.DefaultRequestHeaders.Add(EdgeInFront.AroundTheEdgeHeader, "1");

        using var response = await client.GetAsync(new Uri(Events, UriKind.Relative), TestContext.Current.CancellationToken);

        var error = await ErrorOfAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("The request did not come through the gateway.", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_revoked_token_is_refused_within_the_bound()
    {
        var token = tokens.CreateClientToken("audit-reader-" + Guid.NewGuid().ToString("N"), GatewayScopes.AuditRead);
        using var client = ClientWith(token);
        using (var before = await client.GetAsync(new Uri(Events, UriKind.Relative), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var jti = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1])).RootElement.GetProperty("jti").GetString()!;
        var now = DateTimeOffset.UtcNow;
        var json = TokenRevocations.Serialize(new TokenRevocation(TokenRevocationKinds.Token, jti, now.ToUnixTimeSeconds(), now.AddHours(1).ToUnixTimeSeconds()));
        await infrastructure.RedisClient.GetDatabase().SortedSetAddAsync(TokenRevocations.SetKey, json, now.AddHours(1).ToUnixTimeSeconds());
        await infrastructure.RedisClient.GetSubscriber().PublishAsync(RedisChannel.Literal(TokenRevocations.Channel), json);

        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            using var response = await client.GetAsync(new Uri(Events, UriKind.Relative), TestContext.Current.CancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var error = await ErrorOfAsync(response, HttpStatusCode.Unauthorized);
                Assert.Equal("The token has been revoked.", error.GetProperty("message").GetString());
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "The revoked token still read the audit trail after 5 s.");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Generated_hostile_credentials_get_401_with_the_envelope_never_a_500()
    {
        using var client = service.CreateClient();

        await HostileCredentials.AuthorizationHeaders(tokens).SampleAsync(async lines =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Events);
            request.Headers.TryAddWithoutValidation("Authorization", lines);
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{response.StatusCode} for [{string.Join(" | ", lines)}]");
            await ErrorOfAsync(response, HttpStatusCode.Unauthorized);
        }, iter: 150);
    }

    private HttpClient ClientWith(string accessToken)
    {
        var client = service.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    private static async Task<AuditEventPageDocument> GetPageAsync(HttpClient client, string path, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<AuditEventPageDocument>(cancellationToken))!;
    }

    private static async Task AssertEnvelopeAsync(HttpResponseMessage response, HttpStatusCode status, string code, CancellationToken cancellationToken)
    {
        Assert.Equal(status, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var error = body.RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrEmpty(error.GetProperty("request_id").GetString()));
    }

    public sealed record AuditEventPageDocument(
        [property: System.Text.Json.Serialization.JsonPropertyName("events")] List<AuditEventItem> Events,
        [property: System.Text.Json.Serialization.JsonPropertyName("next_cursor")] string? NextCursor);

    public sealed record AuditEventItem(
        [property: System.Text.Json.Serialization.JsonPropertyName("id")] Guid Id,
        [property: System.Text.Json.Serialization.JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
        [property: System.Text.Json.Serialization.JsonPropertyName("actor")] AuditActor Actor);

    private static async Task<JsonElement> ErrorOfAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("error");
        Assert.Equal(ErrorCodes.AuthenticationFailed, error.GetProperty("code").GetString());
        Assert.True(Guid.TryParse(error.GetProperty("request_id").GetString(), out _));
        return error;
    }
}
