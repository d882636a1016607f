using System.Net;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Redis;
using AgentCore.Gateway.TestSupport;
using StackExchange.Redis;

namespace AgentCore.Gateway.ServiceDefaults.Tests.Redis;

/// <summary>
/// Readiness against real redis-server processes: one complete, one with the Streams commands renamed away, which is
/// a real server that genuinely lacks them (as Garnet and Redis before 6.2 do).
/// </summary>
public sealed class RedisReadinessTests
{
    private static readonly string[] StreamsCommands = ["XADD", "XREADGROUP", "XAUTOCLAIM"];

    [Fact]
    public async Task Ready_is_healthy_on_a_complete_redis_and_the_probe_leaves_no_key_behind()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await StartServiceAsync(redis);

        var (status, check) = await ReadyAsync(host);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("healthy", check.GetProperty("status").GetString());
        Assert.False(check.TryGetProperty("description", out _));
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        Assert.Equal(0, await connection.GetServer(connection.GetEndPoints()[0]).DatabaseSizeAsync());
    }

    [Fact]
    public async Task Ready_is_unhealthy_on_a_redis_without_streams_and_names_the_missing_commands()
    {
        await using var redis = await RedisServer.StartAsync(StreamsCommands);
        await using var host = await StartServiceAsync(redis);

        var (status, check) = await ReadyAsync(host);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("unhealthy", check.GetProperty("status").GetString());
        var description = check.GetProperty("description").GetString()!;
        Assert.All(StreamsCommands, command => Assert.Contains(command, description, StringComparison.Ordinal));
        Assert.DoesNotContain("EVAL", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_probe_names_lua_and_pub_sub_when_they_are_missing()
    {
        await using var redis = await RedisServer.StartAsync("EVAL", "EVALSHA", "SUBSCRIBE");
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);

        var report = await RedisCapabilityProbe.ProbeAsync(connection, TimeSpan.FromSeconds(2));

        Assert.Equal(["EVAL", "EVALSHA", "PUBLISH/SUBSCRIBE"], report.MissingCommands);
    }

    [Fact]
    public async Task Readiness_reuses_the_probe_answer_instead_of_probing_on_every_request()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await StartServiceAsync(redis);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");
        await ReadyAsync(host);
        var before = await ProbeCallsAsync(connection);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(host)).Status);
        }

        Assert.Equal(before, await ProbeCallsAsync(connection));
    }

    private static Task<LoopbackHost> StartServiceAsync(RedisServer redis) =>
        LoopbackHost.StartAsync(_ => { }, builder =>
        {
            builder.Configuration["ConnectionStrings:" + ServiceNames.Redis] = redis.ConnectionString;
            builder.AddGatewayRedis();
        });

    private static async Task<(HttpStatusCode Status, JsonElement Check)> ReadyAsync(LoopbackHost host)
    {
        using var response = await host.Client.GetAsync(new Uri("/ready", UriKind.Relative), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return (response.StatusCode, body.GetProperty("checks").GetProperty(ServiceNames.Redis));
    }

    /// <summary>How many XGROUP calls the server has run: the probe makes one each time it runs.</summary>
    private static async Task<long> ProbeCallsAsync(ConnectionMultiplexer connection)
    {
        var info = await connection.GetServer(connection.GetEndPoints()[0]).InfoRawAsync("commandstats");
        var line = info!.Split('\n').FirstOrDefault(l => l.StartsWith("cmdstat_xgroup|create:", StringComparison.Ordinal) || l.StartsWith("cmdstat_xgroup:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split("calls=")[1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
