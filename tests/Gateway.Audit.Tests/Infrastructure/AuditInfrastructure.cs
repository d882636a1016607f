using AgentCore.Gateway.TestSupport;
using Npgsql;
using StackExchange.Redis;

namespace AgentCore.Gateway.Audit.Tests.Infrastructure;

/// <summary>
/// A real redis-server and PostgreSQL private to one test class (tests inside a class run one after another, classes in
/// parallel, so a class may stop its servers without disturbing others). Each test takes a fresh database and an empty Redis.
/// </summary>
public sealed class AuditInfrastructure : IAsyncLifetime
{
    public RedisServer Redis { get; private set; } = null!;

    public PostgresServer Postgres { get; private set; } = null!;

    public ConnectionMultiplexer RedisClient { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        Postgres = await PostgresServer.StartAsync();
        RedisClient = await ConnectionMultiplexer.ConnectAsync(Redis.ConnectionString + ",allowAdmin=true");
    }

    /// <summary>Empties Redis and returns the connection string of a new, empty database.</summary>
    public async Task<string> ResetAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RedisClient.GetServer(RedisClient.GetEndPoints()[0]).FlushAllDatabasesAsync();
                break;
            }
            catch (RedisConnectionException) when (attempt < 50)
            {
                // A previous test restarted Redis; this connection is still finding it again.
                await Task.Delay(200);
            }
        }

        return await Postgres.CreateDatabaseAsync("audit");
    }

    public static async Task<long> ScalarAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await RedisClient.DisposeAsync();
        await Postgres.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
