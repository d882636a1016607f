using System.Text.Json.Serialization;

namespace AgentCore.Gateway.Contracts;

/// <summary>
/// One authentication or authorization decision, appended to the audit Redis stream by the service that made it and
/// stored by Gateway.Audit. It must never carry a token, password, secret or API key: for a token keep its
/// <c>jti</c> or a hash.
/// </summary>
/// <param name="Id">Unique id; storage is idempotent on it.</param>
/// <param name="Timestamp">When the decision was made, in UTC.</param>
/// <param name="Type">One of <see cref="AuditEventTypes"/>.</param>
/// <param name="Actor">Who asked.</param>
/// <param name="SourceAddress">The caller's address, truncated (IPv4 to /24, IPv6 to /48) by <see cref="AuditAddresses"/>.</param>
/// <param name="RequestId">The request's correlation id.</param>
/// <param name="Route">The route or endpoint that was asked for.</param>
/// <param name="Outcome">One of <see cref="AuditOutcomes"/>.</param>
/// <param name="Reason">A short machine-readable reason, such as <c>invalid_client</c>.</param>
/// <param name="Details">Further context; never secrets.</param>
public sealed record AuditEvent(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("actor")] AuditActor Actor,
    [property: JsonPropertyName("source_address")] string? SourceAddress,
    [property: JsonPropertyName("request_id")] string? RequestId,
    [property: JsonPropertyName("route")] string? Route,
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("details")] IReadOnlyDictionary<string, string>? Details = null);

/// <summary>The party an <see cref="AuditEvent"/> is about.</summary>
public sealed record AuditActor(
    [property: JsonPropertyName("client_id")] string? ClientId,
    [property: JsonPropertyName("subject")] string? Subject,
    [property: JsonPropertyName("tenant_id")] string? TenantId);

public static class AuditEventTypes
{
    public const string TokenIssued = "auth.token_issued";
    public const string TokenFailed = "auth.token_failed";
    public const string TokenRevoked = "auth.token_revoked";
    public const string LoginSucceeded = "auth.login_succeeded";
    public const string LoginFailed = "auth.login_failed";
    public const string DirectorySignIn = "auth.directory_sign_in";
    public const string RefreshReuseDetected = "auth.refresh_reuse_detected";
    public const string SubjectSignedOut = "auth.subject_signed_out";
    public const string ClientDisabled = "auth.client_disabled";
    public const string ClientEnabled = "auth.client_enabled";
    public const string UserDisabled = "auth.user_disabled";
    public const string UserEnabled = "auth.user_enabled";
    public const string AuthenticationFailed = "auth.authentication_failed";
    public const string AuthorizationDenied = "authz.denied";
    public const string RateLimitExceeded = "ratelimit.exceeded";
    public const string ApiKeyCreated = "apikey.created";
    public const string ApiKeyRevoked = "apikey.revoked";
    public const string RealtimeConnected = "realtime.connected";
    public const string RealtimeRejected = "realtime.rejected";

    /// <summary>A JSON-RPC <c>tools/call</c> through the Edge's MCP gateway, allowed or refused, with its outcome.</summary>
    public const string McpToolCall = "mcp.tool_call";

    /// <summary>An RFC 8693 token exchange: an agent got (or was refused) a token to act for a user.</summary>
    public const string TokenExchanged = "auth.token_exchanged";

    /// <summary>A client registered itself (RFC 7591 dynamic registration).</summary>
    public const string ClientRegistered = "auth.client_registered";

    /// <summary>A user granted a client consent at the authorization endpoint.</summary>
    public const string ConsentGranted = "auth.consent_granted";
}

public static class AuditOutcomes
{
    public const string Success = "success";
    public const string Failure = "failure";
    public const string Denied = "denied";
}
