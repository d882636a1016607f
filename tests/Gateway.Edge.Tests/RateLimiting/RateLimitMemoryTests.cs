using System.Threading.RateLimiting;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Edge.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Edge.Tests.RateLimiting;

public sealed class RateLimitMemoryTests(RedisRig rig) : IClassFixture<RedisRig>
{
    private const int Clients = 100_000;

    [Fact]
    public async Task A_hundred_thousand_distinct_clients_leave_no_state_behind_in_the_edge_or_in_redis()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var options = new RateLimitingOptions
        {
            DefaultPolicy = "per-key",
            DecisionTimeout = TimeSpan.FromSeconds(10),
            Policies =
            {
                ["per-key"] = RedisRig.Policy(limits: new RateLimitOptions
                {
                    Name = "quota",
                    PartitionBy = [PartitionDimension.ApiKey],
                    PermitLimit = 10,
                    Window = TimeSpan.FromSeconds(1),
                }),
            },
        };
        var policies = new RateLimitPolicies(Options.Create(options), rig.NewStore(options), rig.Metrics, rig.Time, new HttpContextAccessor());

        // The same composition ASP.NET Core's rate-limiting middleware makes of a policy.
        using var limiter = PartitionedRateLimiter.Create<HttpContext, string>(context => policies["per-key"].GetPartition(context));
        for (var batch = 0; batch < Clients; batch += 1_000)
        {
            var leases = await Task.WhenAll(Enumerable.Range(batch, 1_000).Select(client =>
            {
                var context = new DefaultHttpContext();
                context.Request.Headers[ApiKeys.Header] = $"{ApiKeys.Prefix}client-{client}";
                return limiter.AcquireAsync(context, 1, cancellationToken).AsTask();
            }));
            Assert.All(leases, lease => Assert.True(lease.IsAcquired));
            foreach (var lease in leases)
            {
                lease.Dispose();
            }
        }

        Assert.Equal(Clients, rig.Metrics.ActivePartitions);
        Assert.InRange(await rig.Redis.GetServers()[0].DatabaseSizeAsync(), 1, Clients);

        // Idle partitions are disposed by the partitioned limiter; idle Redis keys expire with their window.
        rig.Time.Advance(TimeSpan.FromSeconds(11));
        Assert.True(await BecomesAsync(() => Task.FromResult(rig.Metrics.ActivePartitions), 0), $"{rig.Metrics.ActivePartitions} partitions still held");
        Assert.True(await BecomesAsync(() => rig.Redis.GetServers()[0].DatabaseSizeAsync(), 0), "Redis keys did not expire");
    }

    private static async Task<bool> BecomesAsync(Func<Task<long>> read, long expected)
    {
        for (var attempt = 0; attempt < 120; attempt++)
        {
            if (await read() == expected)
            {
                return true;
            }

            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        return false;
    }
}
