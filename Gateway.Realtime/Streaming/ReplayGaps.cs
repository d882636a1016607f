namespace AgentCore.Gateway.Realtime.Streaming;

/// <summary>What a resuming client is told when its replay cannot be complete, alike on every transport.</summary>
internal static class ReplayGaps
{
    /// <summary>The <c>gap</c> data: the client's id, what the stream still holds, where the replay starts, and why.</summary>
    public static Dictionary<string, string?> Describe(StreamEventId lastSeen, ReplayPosition position) => new()
    {
        ["last_event_id"] = lastSeen.ToString(),
        ["oldest_available_id"] = position.OldestAvailable,
        ["replay_after_id"] = position.ReplayAfter.ToString(),
        ["reason"] = position.GapReason,
        ["message"] = position.GapReason switch
        {
            ReplayGapReasons.AgeLimit => "last_event_id is older than a replay may reach; only events after replay_after_id follow. Resynchronise.",
            ReplayGapReasons.CountLimit => "Too many events followed last_event_id to replay; only the newest, after replay_after_id, follow. Resynchronise.",
            _ => "Events after last_event_id were trimmed by retention; the replay that follows is incomplete.",
        },
    };
}
