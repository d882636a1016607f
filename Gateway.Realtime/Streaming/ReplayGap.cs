using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace AgentCore.Gateway.Realtime.Streaming;

/// <summary>The data of a <c>gap</c> event: the client's id, what the stream still holds, where the replay starts, and why.</summary>
internal sealed record ReplayGap(
    [property: JsonPropertyName("last_event_id")] string LastEventId,
    [property: JsonPropertyName("oldest_available_id")] string? OldestAvailableId,
    [property: JsonPropertyName("replay_after_id"), Description("The replay that follows sends the events after this id.")] string ReplayAfterId,
    [property: JsonPropertyName("reason"), AllowedValues(ReplayGapReasons.Retention, ReplayGapReasons.AgeLimit, ReplayGapReasons.CountLimit),
        Description("retention: trimmed by retention; replay_age_limit: last_event_id is older than a replay may reach; replay_count_limit: too many events followed it to replay them all.")]
    string Reason,
    [property: JsonPropertyName("message")] string Message);
