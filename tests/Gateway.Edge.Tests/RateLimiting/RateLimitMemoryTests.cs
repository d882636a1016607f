using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Edge.RateLimiting;
using Microsoft.AspNetCore.Http;

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
        using var policy = new RateLimitPolicy("per-key", options.Policies["per-key"], rig.NewStore(options), rig.Metrics, rig.Time);
        for (var batch = 0; batch < Clients; batch += 1_000)
        {
            var admitted = await Task.WhenAll(Enumerable.Range(batch, 1_000).Select(client =>
            {
                var context = new DefaultHttpContext();
                context.Request.Headers[ApiKeys.Header] = $"{ApiKeys.Prefix}client-{client}";
                var partition = policy.PartitionOf(context, identity: null, "route:memory");
                var decision = new RateLimitDecision(policy.Name, policy.Options.Limits);
                return policy.TryAdmit(partition, decision) is true ? Task.FromResult(true) : policy.AdmitAsync(partition, decision).AsTask();
            }));
            Assert.All(admitted, Assert.True);
        }

        Assert.Equal(Clients, rig.Metrics.ActivePartitions);
        Assert.InRange(await rig.Redis.GetServers()[0].DatabaseSizeAsync(), 1, Clients);

        // Idle partitions are retired by the policy; idle Redis keys expire with their window.
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
