using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.TestSupport;

namespace AgentCore.Gateway.Edge.Tests.RateLimiting;

/// <summary>
/// The real Edge with the standard policy's quotas made small: each user of a shared public client has a quota of their
/// own, a tenant has a ceiling of its own, and requests refused by authorization count against nothing.
/// </summary>
public sealed class FairLimitTests(FairLimitTests.SmallQuotas edge) : IClassFixture<FairLimitTests.SmallQuotas>
{
    private const int CallerQuota = 5;
    private const int TenantCeiling = 8;
    private const string TasksPath = "/api/v1/agents/agent-1/tasks";

    [Fact]
    public async Task One_tenants_flood_does_not_429_another_tenants_user_of_the_same_client()
    {
        using var client = edge.CreateClient();
        var flooder = UserToken("globex-" + Guid.NewGuid().ToString("N")[..6], "mallory");
        var victim = UserToken("acme-" + Guid.NewGuid().ToString("N")[..6], "alice");

        var flood = await SendAsync(client, flooder, HttpMethod.Get, CallerQuota * 3);
        var afterFlood = await SendAsync(client, victim, HttpMethod.Get, CallerQuota);

        Assert.Contains(HttpStatusCode.TooManyRequests, flood);
        Assert.All(afterFlood, status => Assert.Equal(HttpStatusCode.OK, status));
    }

    [Fact]
    public async Task Users_of_one_tenant_share_its_ceiling_and_another_tenant_keeps_its_own()
    {
        using var client = edge.CreateClient();
        var tenant = "tenant-" + Guid.NewGuid().ToString("N")[..6];
        string[] users = ["u1", "u2", "u3"];

        var statuses = new List<HttpStatusCode>();
        foreach (var user in users)
        {
            statuses.AddRange(await SendAsync(client, UserToken(tenant, user), HttpMethod.Get, CallerQuota - 1));
        }

        Assert.Equal(TenantCeiling, statuses.Count(status => status == HttpStatusCode.OK));
        Assert.Equal((CallerQuota - 1) * users.Length - TenantCeiling, statuses.Count(status => status == HttpStatusCode.TooManyRequests));
        Assert.All(await SendAsync(client, UserToken("other-" + tenant, "u1"), HttpMethod.Get, CallerQuota), status => Assert.Equal(HttpStatusCode.OK, status));
    }

    [Fact]
    public async Task Requests_refused_with_403_do_not_use_up_the_callers_quota()
    {
        using var client = edge.CreateClient();
        var readOnly = UserToken("acme-" + Guid.NewGuid().ToString("N")[..6], "reader", "agents.read");

        var refused = await SendAsync(client, readOnly, HttpMethod.Post, CallerQuota * 2);
        var allowed = await SendAsync(client, readOnly, HttpMethod.Get, CallerQuota);

        Assert.All(refused, status => Assert.Equal(HttpStatusCode.Forbidden, status));
        Assert.All(allowed, status => Assert.Equal(HttpStatusCode.OK, status));
    }

    /// <summary>A user's token of the shared public client, as Identity issues it for a password or code grant.</summary>
    private string UserToken(string tenant, string subject, string scope = EdgeFixture.AllScopes)
    {
        var payload = GatewayTokenServer.Payload(tenant, scope);
        payload[GatewayClaims.Subject] = subject + "@" + tenant;
        return edge.Tokens.Sign(GatewayTokenServer.Header(), payload);
    }

    private static async Task<List<HttpStatusCode>> SendAsync(HttpClient client, string token, HttpMethod method, int count)
    {
        var statuses = new List<HttpStatusCode>();
        for (var index = 0; index < count; index++)
        {
            var path = method == HttpMethod.Get ? $"{TasksPath}/{Guid.NewGuid()}" : TasksPath;
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (method == HttpMethod.Post)
            {
                request.Content = new StringContent("""{"task_type":"x","input_data":{}}""", System.Text.Encoding.UTF8, "application/json");
            }

            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }

    /// <summary>The Edge with the standard policy's per-caller quota and tenant ceiling made small and exact.</summary>
    public sealed class SmallQuotas : EdgeFixture
    {
        protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
        {
            ["RateLimiting:Policies:standard:Limits:1:PermitLimit"] = CallerQuota.ToString(CultureInfo.InvariantCulture),
            ["RateLimiting:Policies:standard:Limits:1:LeaseSize"] = "1",
            ["RateLimiting:Policies:standard:Limits:2:PermitLimit"] = TenantCeiling.ToString(CultureInfo.InvariantCulture),
            ["RateLimiting:Policies:standard:Limits:2:LeaseSize"] = "1",
        };
    }
}
