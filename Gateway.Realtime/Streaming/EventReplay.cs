using System.Runtime.CompilerServices;
using AgentCore.Gateway.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCore.Gateway.Realtime.Streaming;

/// <summary>Why a replay cannot give a client every event after its last seen id.</summary>
internal static class ReplayGapReasons
{
    /// <summary>Retention trimmed events the client had not seen.</summary>
    public const string Retention = "retention";

    /// <summary>The client's last event is older than <see cref="EventStreamOptions.MaxReplayAge"/>.</summary>
    public const string AgeLimit = "replay_age_limit";

    /// <summary>More than <see cref="EventStreamOptions.MaxReplayEvents"/> entries followed the client's last event.</summary>
    public const string CountLimit = "replay_count_limit";
}

/// <summary>Where a client's last seen event id stands against what the stream holds and what a replay may read.</summary>
/// <param name="IsAhead">The id is later than any id the stream ever issued: forged, or from before a Redis reset.</param>
/// <param name="ReplayAfter">The replay sends the entries after this id: the client's own, or a later one when it was bounded.</param>
/// <param name="GapReason">Why events after the client's id may be missing (<see cref="ReplayGapReasons"/>); null when none are.</param>
/// <param name="OldestAvailable">The oldest id the stream still holds, when it holds any.</param>
internal sealed record ReplayPosition(bool IsAhead, StreamEventId ReplayAfter, string? GapReason, string? OldestAvailable)
{
    public bool HasGap => GapReason is not null;
}

/// <summary>
/// Replays the events after a given id from the stream itself (<c>XRANGE</c>), for any instance a client lands on, no
/// further back than <see cref="EventStreamOptions.MaxReplayAge"/> and no more than
/// <see cref="EventStreamOptions.MaxReplayEvents"/> entries.
/// </summary>
internal sealed class EventReplay(IConnectionMultiplexer redis, IOptions<EventStreamOptions> options, TimeProvider time)
{
    public async Task<ReplayPosition> LocateAsync(StreamEventId lastSeen)
    {
        RedisResult info;
        try
        {
            info = await redis.GetDatabase().ExecuteAsync("XINFO", "STREAM", StreamNames.AgentEvents);
        }
        catch (RedisServerException exception) when (exception.Message.Contains("no such key", StringComparison.OrdinalIgnoreCase))
        {
            return new ReplayPosition(IsAhead: lastSeen > StreamEventId.Zero, lastSeen, GapReason: null, OldestAvailable: null);
        }

        var fields = info.ToDictionary();
        var lastGenerated = StreamEventId.Parse(fields["last-generated-id"].ToString());
        var oldest = fields.TryGetValue("first-entry", out var first) && !first.IsNull ? first[0].ToString() : null;

        // Trimming (MAXLEN, MINID) leaves no record of what it removed, and XDEL only records its greatest id. When the
        // client's last event is older than everything left, the stream can no longer prove nothing after it was trimmed,
        // so that counts as a gap: a false alarm costs the client a resync, a missed one would cost it events.
        var maxDeleted = fields.TryGetValue("max-deleted-entry-id", out var deleted) && StreamEventId.TryParse(deleted.ToString(), out var id)
            ? id
            : StreamEventId.Zero;
        var olderThanRetained = oldest is null ? lastSeen < lastGenerated : lastSeen < StreamEventId.Parse(oldest);
        var gap = olderThanRetained || lastSeen < maxDeleted ? ReplayGapReasons.Retention : null;

        var settings = options.Value;
        var replayAfter = lastSeen;
        var ageFloor = new StreamEventId((ulong)Math.Max(0, (time.GetUtcNow() - settings.MaxReplayAge).ToUnixTimeMilliseconds()), 0);
        if (replayAfter < ageFloor)
        {
            replayAfter = ageFloor;
            gap = ReplayGapReasons.AgeLimit;
        }

        var length = (long)fields["length"];
        if (length > settings.MaxReplayEvents && await FindCountFloorAsync(replayAfter, settings) is { } countFloor)
        {
            replayAfter = countFloor;
            gap = ReplayGapReasons.CountLimit;
        }

        return new ReplayPosition(lastSeen > lastGenerated, replayAfter, gap, oldest);
    }

    /// <summary>The events after <paramref name="replayAfter"/>, oldest first, page by page.</summary>
    public async IAsyncEnumerable<StreamEvent> ReadAfterAsync(StreamEventId replayAfter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pageSize = options.Value.ReplayPageSize;
        var database = redis.GetDatabase();
        var cursor = replayAfter;
        while (!cancellationToken.IsCancellationRequested)
        {
            var page = await database.StreamRangeAsync(StreamNames.AgentEvents, $"({cursor}", "+", pageSize);
            foreach (var entry in page)
            {
                cursor = StreamEventId.Parse(entry.Id.ToString());
                if (StreamEvent.FromEntry(entry) is { } streamEvent)
                {
                    yield return streamEvent;
                }
            }

            if (page.Length < pageSize)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// When more than <see cref="EventStreamOptions.MaxReplayEvents"/> entries follow <paramref name="after"/>, the id
    /// after which exactly that many newest entries remain; null otherwise. Reads backwards from the end, at most that
    /// many entries and one.
    /// </summary>
    private async Task<StreamEventId?> FindCountFloorAsync(StreamEventId after, EventStreamOptions settings)
    {
        var database = redis.GetDatabase();
        var wanted = settings.MaxReplayEvents + 1;
        var upper = "+";
        while (wanted > 0)
        {
            var count = Math.Min(wanted, settings.ReplayPageSize);
            var page = await database.StreamRangeAsync(StreamNames.AgentEvents, $"({after}", upper, count, Order.Descending);
            wanted -= page.Length;
            if (page.Length < count)
            {
                return null;
            }

            upper = $"({page[^1].Id}";
            if (wanted == 0)
            {
                return StreamEventId.Parse(page[^1].Id.ToString());
            }
        }

        return null;
    }
}
