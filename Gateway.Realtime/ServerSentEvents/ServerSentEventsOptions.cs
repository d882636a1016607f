using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Realtime.ServerSentEvents;

/// <summary>The <c>Realtime:ServerSentEvents</c> configuration section of <c>/api/v1/events/stream</c>.</summary>
internal sealed class ServerSentEventsOptions
{
    public const string SectionName = "Realtime:ServerSentEvents";

    /// <summary>The reconnection delay the stream announces in its opening <c>retry:</c> field. Default: 3 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often an idle stream sends a comment line so that proxies keep it open. Default: 15 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Events waiting to be written to one stream; past it the client is a slow consumer and the stream ends. Default: 1,024.</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 1024;
}
