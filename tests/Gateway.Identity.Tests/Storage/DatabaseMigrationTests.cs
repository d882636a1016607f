using System.Net;
using AgentCore.Gateway.Database;
using AgentCore.Gateway.Identity.Storage;
using AgentCore.Gateway.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AgentCore.Gateway.Identity.Tests.Storage;

/// <summary>Identity's database through the shared migration helper: a PostgreSQL that starts late, and the seed in Development only.</summary>
[Collection(IdentityServerGroup.Name)]
public sealed class DatabaseMigrationTests(IdentityServerFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Started_before_PostgreSQL_Identity_waits_for_it_and_is_ready_with_its_seed_once_it_answers()
    {
        await using var postgres = PostgresServer.CreateStopped();
        var database = postgres.ConnectionStringFor("identity");
        await using var service = new IdentityService(database, fixture.Redis.ConnectionString, new Dictionary<string, string?>(), null);

        var started = Task.Run(service.CreateClient, TestContext.Current.CancellationToken);
        // Identity takes no request before its signing keys are loaded from the database: it waits for PostgreSQL, it does not fail.
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        Assert.False(started.IsCompleted, $"Identity started, or failed to, without its database: {started.Exception}");

        await postgres.StartAgainAsync();
        using var client = await started.WaitAsync(Patience, TestContext.Current.CancellationToken);
        using var ready = await client.GetAsync(new Uri("/ready", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(2, await CountAsync(database, "SELECT count(*) FROM users"));
    }

    [Fact]
    public async Task Outside_Development_the_database_is_migrated_without_the_seed()
    {
        var database = await fixture.Postgres.CreateDatabaseAsync("identity");
        await using var service = new IdentityService(database, fixture.Redis.ConnectionString, new Dictionary<string, string?>(), null)
        {
            EnvironmentName = "Production",
        };

        using var client = service.CreateClient();
        using var ready = await client.GetAsync(new Uri("/ready", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.True(service.Services.GetRequiredService<DatabaseMigration<IdentityStoreDbContext>>().IsApplied);
        using (var scope = service.Services.CreateScope())
        {
            Assert.Null(scope.ServiceProvider.GetService<IDbSeeder<IdentityStoreDbContext>>());
        }

        Assert.Equal(0, await CountAsync(database, "SELECT count(*) FROM tenants"));
        Assert.Equal(0, await CountAsync(database, "SELECT count(*) FROM users"));
        Assert.Equal(0, await CountAsync(database, "SELECT count(*) FROM \"OpenIddictApplications\""));
    }

    private static async Task<long> CountAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
