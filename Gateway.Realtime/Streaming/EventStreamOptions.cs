using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Realtime.Streaming;

/// <summary>The <c>Realtime:EventStream</c> configuration section: how this instance reads and replays the agent-events stream.</summary>
internal sealed class EventStreamOptions
{
    public const string SectionName = "Realtime:EventStream";

    /// <summary>How long one blocking <c>XREAD</c> waits for new events before it is issued again. Default: 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan ReadBlockTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most events one <c>XREAD</c> returns. Default: 512.</summary>
    [Range(1, 100_000)]
    public int ReadBatchSize { get; set; } = 512;

    /// <summary>How long the reader waits before retrying after Redis failed. Default: 1 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Events one <c>XRANGE</c> page of a replay holds. Default: 500.</summary>
    [Range(1, 100_000)]
    public int ReplayPageSize { get; set; } = 500;

    /// <summary>
    /// The most stream entries one reconnecting client is replayed. A client further behind gets a <c>gap</c> and only
    /// the newest this many entries: it must resynchronise anyway, and a forged <c>Last-Event-ID</c> of <c>0-0</c> must not
    /// make the instance read the whole stream. Default: 1,000.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxReplayEvents { get; set; } = 1_000;

    /// <summary>How far back a replay may reach; a client behind by more gets a <c>gap</c> and the events since then. Default: 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan MaxReplayAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Agents whose tenant this instance remembers locally before it starts over. Default: 100,000.</summary>
    [Range(1, 10_000_000)]
    public int AgentCacheCapacity { get; set; } = 100_000;
}
