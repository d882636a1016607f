using AgentCore.Gateway.AppHost.Infrastructure;
using StackExchange.Redis;

namespace AgentCore.Gateway.TestSupport;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, private to one test fixture. It can be stopped and started on
/// the same port, to test what happens while Redis is away.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly ServerProcess server;

    private RedisServer(int port, IEnumerable<string> withoutCommands)
    {
        Port = port;
        var redisServer = ExecutableSearch.FindOnPath("redis-server")
            ?? throw new InvalidOperationException("redis-server is not installed; .ci/run installs it (apt-get install redis-server).");
        server = new ServerProcess(
            redisServer,
            ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             .. withoutCommands.SelectMany(command => new[] { "--rename-command", command, string.Empty })]);
    }

    public int Port { get; }

    /// <summary>A StackExchange.Redis connection string; <c>abortConnect=false</c> so clients ride out restarts.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000";

    /// <summary>
    /// Starts a server; <paramref name="withoutCommands"/> are renamed away (<c>rename-command X ""</c>), which makes a
    /// real server that genuinely lacks them, as a Redis-protocol server without Streams does.
    /// </summary>
    public static async Task<RedisServer> StartAsync(params string[] withoutCommands)
    {
        var redis = new RedisServer(FreePort.Next(), withoutCommands);
        await redis.StartAgainAsync();
        return redis;
    }

    /// <summary>Starts the server (after <see cref="StopAsync"/>) and waits until it answers PING.</summary>
    public async Task StartAgainAsync()
    {
        server.Start();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Port},abortConnect=true,connectTimeout=500");
                await connection.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            catch (RedisConnectionException exception)
            {
                throw new InvalidOperationException($"redis-server did not start:\n{server.Output}", exception);
            }
        }
    }

    public Task StopAsync() => server.StopAsync(TimeSpan.FromSeconds(10));

    public ValueTask DisposeAsync()
    {
        server.Dispose();
        return ValueTask.CompletedTask;
    }
}
