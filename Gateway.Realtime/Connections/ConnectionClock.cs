using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Realtime.Connections;

/// <summary>Something an open connection must check as time passes: a heartbeat due, a silence too long, a token expired.</summary>
internal interface IClockWatcher
{
    /// <summary>Called on every tick of the <see cref="ConnectionClock"/>; must be quick and must not throw.</summary>
    void Tick(DateTimeOffset now);
}

/// <summary>
/// One timer for every connection of this instance, instead of a timer per connection and purpose: it ticks every
/// <see cref="ConnectionClockOptions.Resolution"/> and lets each registered watcher check its own deadlines. A tick
/// visits every watcher (a few nanoseconds each, so 10,000 connections cost tens of microseconds a second), which keeps
/// registration to one dictionary entry and no allocation per tick. Deadlines are met within one resolution.
/// </summary>
internal sealed partial class ConnectionClock : IDisposable
{
    private readonly ConcurrentDictionary<IClockWatcher, byte> watchers = new();
    private readonly TimeProvider time;
    private readonly ILogger<ConnectionClock> logger;
    private readonly ITimer timer;
    private int ticking;

    public ConnectionClock(TimeProvider time, IOptions<ConnectionClockOptions> options, ILogger<ConnectionClock> logger)
    {
        this.time = time;
        this.logger = logger;
        var resolution = options.Value.Resolution;
        timer = time.CreateTimer(static state => ((ConnectionClock)state!).Tick(), this, resolution, resolution);
    }

    /// <summary>Watchers currently registered.</summary>
    public int Count => watchers.Count;

    public void Add(IClockWatcher watcher) => watchers.TryAdd(watcher, 0);

    public void Remove(IClockWatcher watcher) => watchers.TryRemove(watcher, out _);

    public void Dispose() => timer.Dispose();

    private void Tick()
    {
        // A tick that is still running when the next one is due (a stalled thread pool) is not run twice at once.
        if (Interlocked.Exchange(ref ticking, 1) == 1)
        {
            return;
        }

        try
        {
            var now = time.GetUtcNow();

            // Enumerating the dictionary itself takes no snapshot (Keys would copy it every tick).
            foreach (var watcher in watchers)
            {
                try
                {
                    watcher.Key.Tick(now);
                }
                catch (Exception exception)
                {
                    LogWatcherFailed(logger, exception);
                }
            }
        }
        finally
        {
            Volatile.Write(ref ticking, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A connection's clock check failed; the other connections are checked as usual")]
    private static partial void LogWatcherFailed(ILogger logger, Exception exception);
}
