using System.Runtime.CompilerServices;
using AgentCore.Gateway.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentCore.Gateway.Realtime.Streaming;

/// <summary>Where a client's last seen event id stands against what the stream still holds.</summary>
/// <param name="IsAhead">The id is later than any id the stream ever issued: forged, or from before a Redis reset.</param>
/// <param name="HasGap">Events after the id may already have been trimmed by retention: the replay may be incomplete.</param>
/// <param name="OldestAvailable">The oldest id the stream still holds, when it holds any.</param>
internal sealed record ReplayPosition(bool IsAhead, bool HasGap, string? OldestAvailable);

/// <summary>Replays the events after a given id from the stream itself (<c>XRANGE</c>), for any instance a client lands on.</summary>
internal sealed class EventReplay(IConnectionMultiplexer redis, IOptions<EventStreamOptions> options)
{
    public async Task<ReplayPosition> LocateAsync(StreamEventId lastSeen)
    {
        RedisResult info;
        try
        {
            info = await redis.GetDatabase().ExecuteAsync("XINFO", "STREAM", StreamNames.AgentEvents).ConfigureAwait(false);
        }
        catch (RedisServerException exception) when (exception.Message.Contains("no such key", StringComparison.OrdinalIgnoreCase))
        {
            return new ReplayPosition(IsAhead: lastSeen > StreamEventId.Zero, HasGap: false, OldestAvailable: null);
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
        return new ReplayPosition(lastSeen > lastGenerated, olderThanRetained || lastSeen < maxDeleted, oldest);
    }

    /// <summary>The events after <paramref name="lastSeen"/>, oldest first, page by page.</summary>
    public async IAsyncEnumerable<StreamEvent> ReadAfterAsync(StreamEventId lastSeen, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pageSize = options.Value.ReplayPageSize;
        var database = redis.GetDatabase();
        var cursor = lastSeen;
        while (!cancellationToken.IsCancellationRequested)
        {
            var page = await database.StreamRangeAsync(StreamNames.AgentEvents, $"({cursor}", "+", pageSize).ConfigureAwait(false);
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
}
