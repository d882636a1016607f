using System.Net;
using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Database;
using AgentCore.Gateway.TestSupport;
using AgentCore.Samples.AgentRuntime.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AgentCore.Samples.AgentRuntime.Tests.Storage;

/// <summary>The runtime's database through the shared migration helper: a PostgreSQL that starts late, and the seed in Development only.</summary>
public sealed class DatabaseMigrationTests
{
    private const string TrustKey = "test-only-edge-trust-key-0123456789abcdefghijklmnop";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Started_before_PostgreSQL_the_runtime_is_alive_but_not_ready_and_becomes_ready_with_its_seed_once_PostgreSQL_answers()
    {
        await using var postgres = PostgresServer.CreateStopped();
        await using var redis = await RedisServer.StartAsync();
        var database = postgres.ConnectionStringFor("agents");
        await using var runtime = Start("Development", database, redis);
        using var client = runtime.CreateDefaultClient(runtime.ClientOptions.BaseAddress);

        using (var alive = await client.GetAsync(new Uri("/alive", UriKind.Relative), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        }

        using (var ready = await client.GetAsync(new Uri("/ready", UriKind.Relative), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            var checks = (await ready.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("checks");
            Assert.Equal("unhealthy", checks.GetProperty(DatabaseMigration<AgentsDbContext>.HealthCheckName).GetProperty("status").GetString());
        }

        await postgres.StartAgainAsync();
        await Eventually.HoldsAsync(
            async () => (await client.GetAsync(new Uri("/ready", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode == HttpStatusCode.OK,
            Patience,
            "the runtime is ready once PostgreSQL answers");
        Assert.Equal(["agent-1", "agent-2", "agent-9"], await AgentIdsAsync(database));
    }

    [Fact]
    public async Task Outside_Development_the_database_is_migrated_without_the_seed()
    {
        await using var postgres = await PostgresServer.StartAsync();
        await using var redis = await RedisServer.StartAsync();
        var database = await postgres.CreateDatabaseAsync("agents");
        await using var runtime = Start("Production", database, redis);

        await runtime.Services.GetRequiredService<DatabaseMigration<AgentsDbContext>>().WaitAsync(TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);
        using (var scope = runtime.Services.CreateScope())
        {
            Assert.Null(scope.ServiceProvider.GetService<IDbSeeder<AgentsDbContext>>());
        }

        Assert.Empty(await AgentIdsAsync(database));
    }

    [Fact]
    public async Task While_the_schema_cannot_be_applied_the_tasks_routes_are_not_ready_though_PostgreSQL_answers()
    {
        await using var postgres = await PostgresServer.StartAsync();
        await using var redis = await RedisServer.StartAsync();
        var database = await postgres.CreateDatabaseAsync("agents");
        var withoutCreate = await RoleWithoutCreateAsync(database);
        await using var runtime = Start("Production", withoutCreate, redis);
        using var client = runtime.CreateDefaultClient(runtime.ClientOptions.BaseAddress);

        using var ready = await client.GetAsync(new Uri($"/ready/{ReadinessNeeds.Tasks}", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.False(runtime.Services.GetRequiredService<DatabaseMigration<AgentsDbContext>>().IsApplied);
    }

    private static WebApplicationFactory<Program> Start(string environment, string database, RedisServer redis)
    {
        var runtime = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment(environment);
            web.UseSetting($"ConnectionStrings:{ServiceNames.AgentsDatabase}", database);
            web.UseSetting($"ConnectionStrings:{ServiceNames.Redis}", redis.ConnectionString);
            web.UseSetting("EdgeTrust:Key", TrustKey);
        });
        runtime.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        runtime.StartServer();
        return runtime;
    }

    /// <summary>A login that can connect to <paramref name="database"/> and read, but create nothing, so migrations fail while the database answers.</summary>
    private static async Task<string> RoleWithoutCreateAsync(string database)
    {
        const string Role = "agents_without_create";
        const string Password = "test-only-role-password";
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var create = new NpgsqlCommand(
                $"CREATE ROLE {Role} LOGIN PASSWORD '{Password}'; REVOKE CREATE ON SCHEMA public FROM PUBLIC;",
                connection);
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        return new NpgsqlConnectionStringBuilder(database) { Username = Role, Password = Password }.ConnectionString;
    }

    private static async Task<List<string>> AgentIdsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT id FROM agents ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var ids = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
