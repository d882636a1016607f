using AgentCore.Gateway.AppHost.Infrastructure;
using Npgsql;

namespace AgentCore.Gateway.TestSupport;

/// <summary>
/// A real PostgreSQL server in a throw-away data directory on a free loopback port, private to one test fixture,
/// run as the <c>postgres</c> OS user when the tests run as root. It can be stopped and started on the same port.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string Password = "test-only-password";
    private readonly string dataRoot;
    private readonly ServerProcess server;

    private PostgresServer(string binDirectory, string dataRoot, int port)
    {
        this.dataRoot = dataRoot;
        Port = port;
        var osUser = ProcessUser.IsRoot ? "postgres" : null;
        var pgData = Path.Combine(dataRoot, "data");
        Initialize(binDirectory, dataRoot, pgData, osUser);
        var (command, leading) = ProcessUser.RunAs(osUser, Path.Combine(binDirectory, "postgres"));
        server = new ServerProcess(command, [.. leading, "-D", pgData, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "fsync=off", "-c", "max_connections=200"]);
    }

    public int Port { get; }

    /// <summary>The connection string of the <c>postgres</c> maintenance database.</summary>
    public string ConnectionString => ConnectionStringFor("postgres");

    public static async Task<PostgresServer> StartAsync()
    {
        var postgres = CreateStopped();
        await postgres.StartAgainAsync();
        return postgres;
    }

    /// <summary>
    /// A server with its data directory and port but not running yet, so that a test can start a service before its
    /// database (<see cref="StartAgainAsync"/> starts it).
    /// </summary>
    public static PostgresServer CreateStopped()
    {
        var binDirectory = PostgresBinaries.FindDirectory()
            ?? throw new InvalidOperationException("The PostgreSQL server binaries are not installed; .ci/run installs them (apt-get install postgresql).");
        var dataRoot = Path.Combine(Path.GetTempPath(), "agentcore-test-pg-" + Guid.NewGuid().ToString("N"));
        return new PostgresServer(binDirectory, dataRoot, FreePort.Next());
    }

    public string ConnectionStringFor(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Password={Password};Database={database};Timeout=5";

    /// <summary>Creates a fresh database with a unique name and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "test")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return ConnectionStringFor(name);
    }

    /// <summary>Starts the server (after <see cref="CreateStopped"/> or <see cref="StopAsync"/>) and waits until it accepts a query.</summary>
    public async Task StartAgainAsync()
    {
        server.Start();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline && server.IsRunning)
            {
                await Task.Delay(100);
            }
            catch (NpgsqlException exception)
            {
                throw new InvalidOperationException($"PostgreSQL did not start:\n{server.Output}", exception);
            }
        }
    }

    public async Task StopAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await server.StopAsync(TimeSpan.FromSeconds(20));
    }

    public ValueTask DisposeAsync()
    {
        server.Dispose();
        TempFolders.TryDelete(dataRoot);
        return ValueTask.CompletedTask;
    }

    private static void Initialize(string binDirectory, string dataRoot, string pgData, string? osUser)
    {
        Directory.CreateDirectory(pgData);
        var passwordFile = Path.Combine(dataRoot, "password");
        File.WriteAllText(passwordFile, Password);
        if (osUser is not null)
        {
            Command.Run("chown", ["-R", $"{osUser}:", dataRoot]);
        }

        var (command, leading) = ProcessUser.RunAs(osUser, Path.Combine(binDirectory, "initdb"));
        Command.Run(command, [.. leading, "-D", pgData, "-U", "postgres", "--auth=scram-sha-256", $"--pwfile={passwordFile}", "--encoding=UTF8", "--no-sync", "--no-instructions"]);
    }
}
