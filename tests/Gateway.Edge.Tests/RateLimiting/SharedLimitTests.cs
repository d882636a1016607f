using System.Globalization;
using System.Net;

namespace AgentCore.Gateway.Edge.Tests.RateLimiting;

/// <summary>
/// Two Edge instances (real hosts with the Edge's admission) on one real Redis share one limit: taking permits in
/// leases keeps most decisions local, yet together they admit the limit within 5 %, and never more.
/// </summary>
public sealed class SharedLimitTests(RedisRig rig) : IClassFixture<RedisRig>
{
    private const int Limit = 200;

    [Fact]
    public async Task Two_instances_admit_their_shared_limit_within_five_percent_and_never_more()
    {
        var policy = "shared-" + Guid.NewGuid().ToString("N");
        var settings = new Dictionary<string, string?>
        {
            [$"RateLimiting:Policies:{policy}:Limits:0:PermitLimit"] = Limit.ToString(CultureInfo.InvariantCulture),
            [$"RateLimiting:Policies:{policy}:Limits:0:LeaseSize"] = "10",

            // Generous time per decision: this is about sharing one limit, not about a loaded machine's latency.
            ["RateLimiting:DecisionTimeout"] = "00:00:10",
        };
        await using var first = await RateLimitedHost.StartAsync(rig.Server.ConnectionString, settings, policy);
        await using var second = await RateLimitedHost.StartAsync(rig.Server.ConnectionString, settings, policy);

        var statuses = await Task.WhenAll(Enumerable.Range(0, Limit * 3).Select(async attempt =>
        {
            var host = attempt % 2 == 0 ? first : second;
            using var response = await host.Client.GetAsync(new Uri("/limited", UriKind.Relative), TestContext.Current.CancellationToken);
            return response.StatusCode;
        }));

        Assert.All(statuses, status => Assert.Contains(status, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        Assert.InRange(statuses.Count(status => status == HttpStatusCode.OK), Limit * 95 / 100, Limit);
    }
}
