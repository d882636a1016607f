namespace AgentCore.Gateway.Realtime.Authentication;

/// <summary>The path roots Realtime serves.</summary>
internal static class RealtimePaths
{
    public static readonly PathString WebSockets = "/ws";
    public static readonly PathString Hubs = "/hubs";
    public static readonly PathString Events = "/api/v1/events";
}
