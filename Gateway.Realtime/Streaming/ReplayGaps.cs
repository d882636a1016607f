namespace AgentCore.Gateway.Realtime.Streaming;

/// <summary>What a resuming client is told when its replay cannot be complete, alike on every transport.</summary>
internal static class ReplayGaps
{
    /// <summary>The <c>gap</c> data of a replay that cannot be complete.</summary>
    public static ReplayGap Describe(StreamEventId lastSeen, ReplayPosition position) => new(
        lastSeen.ToString(),
        position.OldestAvailable,
        position.ReplayAfter.ToString(),
        position.GapReason!,
        position.GapReason switch
        {
            ReplayGapReasons.AgeLimit => "last_event_id is older than a replay may reach; only events after replay_after_id follow. Resynchronise.",
            ReplayGapReasons.CountLimit => "Too many events followed last_event_id to replay; only the newest, after replay_after_id, follow. Resynchronise.",
            _ => "Events after last_event_id were trimmed by retention; the replay that follows is incomplete.",
        });
}
