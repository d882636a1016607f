using System.Net;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.TestSupport;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace AgentCore.Gateway.EndToEnd.Tests;

/// <summary>
/// The AppHost in <c>external</c> mode pointed at a real redis-server whose Streams commands are renamed away: a server
/// that speaks the protocol, answers PING, and cannot carry events or audit records.
/// </summary>
public sealed class ExternalRedisWithoutStreamsFixture : GatewayStackFixture
{
    public static readonly string[] MissingCommands = ["XADD", "XREADGROUP", "XAUTOCLAIM"];

    private RedisServer? redis;
    private PostgresServer? postgres;
    private string[] arguments = [];

    protected override string[] Arguments => arguments;

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        redis = await RedisServer.StartAsync(MissingCommands);
        postgres = await PostgresServer.StartAsync();
        arguments =
        [
            "--Infrastructure:Mode=external",
            $"--ConnectionStrings:{ServiceNames.Redis}={redis.ConnectionString}",
            $"--ConnectionStrings:{ServiceNames.IdentityDatabase}={postgres.ConnectionStringFor(await postgres.CreateDatabaseAsync("identity"))}",
            $"--ConnectionStrings:{ServiceNames.AuditDatabase}={postgres.ConnectionStringFor(await postgres.CreateDatabaseAsync("audit"))}",
            $"--ConnectionStrings:{ServiceNames.AgentsDatabase}={postgres.ConnectionStringFor(await postgres.CreateDatabaseAsync("agents"))}",
        ];
    }

    /// <summary>Started means the Edge runs and answers: nothing behind it can become healthy on this Redis.</summary>
    protected override async Task WaitUntilStartedAsync(DistributedApplication started, CancellationToken cancellationToken)
    {
        await started.ResourceNotifications.WaitForResourceAsync(ServiceNames.Edge, KnownResourceStates.Running, cancellationToken);
        await WaitForEdgeHealthAsync(_ => true, cancellationToken);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (redis is not null)
        {
            await redis.DisposeAsync();
        }

        if (postgres is not null)
        {
            await postgres.DisposeAsync();
        }
    }
}

public sealed class ExternalRedisWithoutStreamsTests(ExternalRedisWithoutStreamsFixture stack) : IClassFixture<ExternalRedisWithoutStreamsFixture>
{
    [Fact]
    public async Task Gateway_health_is_never_healthy_and_names_the_missing_commands()
    {
        using var edge = stack.CreateEdgeClient();

        var (_, body) = await Eventually.ReachesAsync(
            token => HealthAsync(edge, token),
            health => health.Body.GetProperty("services").TryGetProperty(ServiceNames.Redis, out var redis)
                && redis.TryGetProperty("message", out _),
            TimeSpan.FromMinutes(2),
            TestContext.Current.CancellationToken);

        Assert.NotEqual("healthy", body.GetProperty("status").GetString());
        var redisHealth = body.GetProperty("services").GetProperty(ServiceNames.Redis);
        Assert.Equal("unhealthy", redisHealth.GetProperty("status").GetString());
        var message = redisHealth.GetProperty("message").GetString()!;
        Assert.All(ExternalRedisWithoutStreamsFixture.MissingCommands, command => Assert.Contains(command, message, StringComparison.Ordinal));
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> HealthAsync(HttpClient edge, CancellationToken cancellationToken)
    {
        using var response = await edge.GetAsync(new Uri("/api/v1/health", UriKind.Relative), cancellationToken);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken));
    }
}
