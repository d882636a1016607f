using System.Net;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Health;
using AgentCore.Gateway.ServiceDefaults.Redis;
using AgentCore.Gateway.TestSupport;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace AgentCore.Gateway.ServiceDefaults.Tests.Health;

/// <summary>
/// Readiness by need against a real redis-server and a real PostgreSQL: the routes that need only PostgreSQL stay
/// ready while Redis is down, which the whole readiness still reports; and a request that finds its database away is
/// answered 503 with <c>Retry-After</c>, not 500.
/// </summary>
public sealed class RequestReadinessTests : IAsyncLifetime
{
    private RedisServer redis = null!;
    private PostgresServer postgres = null!;

    public async ValueTask InitializeAsync()
    {
        redis = await RedisServer.StartAsync();
        postgres = await PostgresServer.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await redis.DisposeAsync();
        await postgres.DisposeAsync();
    }

    [Fact]
    public async Task A_need_that_does_not_use_redis_stays_ready_while_redis_is_down_and_the_whole_readiness_reports_it()
    {
        await using var host = await StartServiceAsync();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(host, "/ready/tasks")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(host, "/ready/events")).Status);

        await redis.StopAsync();

        var tasks = await GetAsync(host, "/ready/tasks");
        Assert.Equal(HttpStatusCode.OK, tasks.Status);
        Assert.Equal(["postgres", "self"], tasks.Body.GetProperty("checks").EnumerateObject().Select(check => check.Name).Order(StringComparer.Ordinal));
        var events = await GetAsync(host, "/ready/events");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, events.Status);
        Assert.Equal("unhealthy", events.Body.GetProperty("checks").GetProperty(ServiceNames.Redis).GetProperty("status").GetString());
        var whole = await GetAsync(host, "/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, whole.Status);
        Assert.Equal("healthy", whole.Body.GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_need_nobody_declared_is_404_with_the_envelope()
    {
        await using var host = await StartServiceAsync();

        var (status, body) = await GetAsync(host, "/ready/nothing-declared");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(ErrorCodes.NotFound, body.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_request_whose_database_is_away_gets_503_with_retry_after_and_the_envelope()
    {
        await using var host = await StartServiceAsync();
        await postgres.StopAsync();
        try
        {
            using var response = await host.Client.GetAsync(new Uri("/query", UriKind.Relative), TestContext.Current.CancellationToken);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(ErrorCodes.ServiceUnavailable, body.GetProperty("error").GetProperty("code").GetString());
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After says when to come back.");
        }
        finally
        {
            await postgres.StartAgainAsync();
        }
    }

    /// <summary>
    /// A service whose <c>tasks</c> routes need PostgreSQL and whose <c>events</c> routes need Redis, with a route that
    /// queries the database.
    /// </summary>
    private Task<LoopbackHost> StartServiceAsync() =>
        LoopbackHost.StartAsync(
            app => app.MapGet("/query", async (HttpContext context) =>
            {
                await using var connection = new NpgsqlConnection(postgres.ConnectionString);
                await connection.OpenAsync(context.RequestAborted);
                return Results.Ok();
            }),
            builder =>
            {
                builder.Configuration["ConnectionStrings:" + ServiceNames.Redis] = redis.ConnectionString;
                builder.AddGatewayRedis();
                builder.Services.AddHealthChecks().AddAsyncCheck("postgres", async cancellationToken =>
                {
                    try
                    {
                        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
                        await connection.OpenAsync(cancellationToken);
                        return HealthCheckResult.Healthy();
                    }
                    catch (NpgsqlException exception)
                    {
                        return HealthCheckResult.Unhealthy("PostgreSQL does not answer.", exception);
                    }
                });
                builder.AddRequestReadiness("tasks", "postgres");
                builder.AddRequestReadiness("events", ServiceNames.Redis);
            });

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(LoopbackHost host, string path)
    {
        using var response = await host.Client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken));
    }
}
