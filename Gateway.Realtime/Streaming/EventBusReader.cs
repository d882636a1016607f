using System.Globalization;
using AgentCore.Gateway.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCore.Gateway.Realtime.Streaming;

/// <summary>
/// Reads every event of the agent-events stream with this instance's own cursor and hands each to
/// <see cref="EventFanOut"/>. Every instance reads everything (no consumer group): each has its own connections to serve.
/// The blocking <c>XREAD</c> runs on a connection of its own, since it would stall every other command of a shared one.
/// </summary>
internal sealed partial class EventBusReader(
    IConfiguration configuration,
    EventFanOut fanOut,
    IOptions<EventStreamOptions> options,
    TimeProvider time,
    ILogger<EventBusReader> logger) : BackgroundService
{
    private ConnectionMultiplexer? connection;
    private string? cursor;

    /// <summary>The id of the last event read, once the reader has found its place in the stream.</summary>
    public string? Cursor => Volatile.Read(ref cursor);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var redisOptions = ConfigurationOptions.Parse(configuration.GetConnectionString(ServiceNames.Redis)
            ?? throw new InvalidOperationException($"Connection string '{ServiceNames.Redis}' is required."));
        redisOptions.AbortOnConnectFail = false;
        redisOptions.ClientName = "realtime-event-bus-reader";
        redisOptions.AsyncTimeout = (int)(settings.ReadBlockTimeout + TimeSpan.FromSeconds(10)).TotalMilliseconds;
        connection = await ConnectionMultiplexer.ConnectAsync(redisOptions);

        // Find the end of the stream before serving connections, so that nothing published after start is missed.
        await TryFindPositionAsync();
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (connection is not null)
        {
            await connection.CloseAsync();
            await connection.DisposeAsync();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var blockMilliseconds = ((long)settings.ReadBlockTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        var batchSize = settings.ReadBatchSize.ToString(CultureInfo.InvariantCulture);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (Cursor is null && !await TryFindPositionAsync())
                {
                    await Task.Delay(settings.RetryDelay, time, stoppingToken);
                    continue;
                }

                var result = await connection!.GetDatabase().ExecuteAsync(
                    "XREAD", "COUNT", batchSize, "BLOCK", blockMilliseconds, "STREAMS", StreamNames.AgentEvents, Cursor!);
                Deliver(result);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                LogReadFailed(logger, exception, settings.RetryDelay);
                await Task.Delay(settings.RetryDelay, time, stoppingToken);
            }
        }
    }

    private async Task<bool> TryFindPositionAsync()
    {
        try
        {
            var last = await connection!.GetDatabase()
                .StreamRangeAsync(StreamNames.AgentEvents, "-", "+", count: 1, messageOrder: Order.Descending);
            Volatile.Write(ref cursor, last.Length == 0 ? StreamEventId.Zero.ToString() : last[0].Id.ToString());
            LogPositioned(logger, Cursor!);
            return true;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogReadFailed(logger, exception, options.Value.RetryDelay);
            return false;
        }
    }

    private void Deliver(RedisResult result)
    {
        if (result.IsNull || result.Length == 0)
        {
            return;
        }

        // XREAD answers [[stream, [[id, [field, value, ...]], ...]]] for the one stream asked for.
        foreach (var entry in (RedisResult[])result[0][1]!)
        {
            var id = entry[0].ToString();
            var fields = (RedisResult[])entry[1]!;
            string? payload = null;
            for (var index = 0; index + 1 < fields.Length; index += 2)
            {
                if (fields[index].ToString() == StreamNames.PayloadField)
                {
                    payload = fields[index + 1].ToString();
                }
            }

            Volatile.Write(ref cursor, id);
            if (StreamEvent.FromEntry(id, payload) is not { } streamEvent)
            {
                LogMalformed(logger, id);
                continue;
            }

            fanOut.Publish(streamEvent);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event bus reader starts after stream id {Cursor}")]
    private static partial void LogPositioned(ILogger logger, string cursor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the agent-events stream failed; retrying in {Delay}")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped stream entry {Id}: it holds no valid agent event")]
    private static partial void LogMalformed(ILogger logger, string id);
}
