namespace AgentCore.Gateway.Realtime.Authentication;

/// <summary>
/// The Origin check against cross-site WebSocket hijacking: browsers always send <c>Origin</c> on a WebSocket handshake,
/// so a request without it comes from a non-browser client and cannot be a hijack.
/// </summary>
internal static class OriginPolicy
{
    public static bool IsAllowed(HttpContext context, IReadOnlyCollection<string> allowedOrigins)
    {
        var origin = context.Request.Headers.Origin.ToString();
        return string.IsNullOrEmpty(origin)
            || allowedOrigins.Any(candidate => string.Equals(candidate.TrimEnd('/'), origin.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));
    }
}
