namespace AgentCore.Gateway.Contracts;

/// <summary>HTTP header names that carry meaning between the gateway's services.</summary>
public static class GatewayHeaders
{
    /// <summary>The correlation id of a request: a UUID, accepted from the client or created by the first service.</summary>
    public const string RequestId = "X-Request-ID";

    /// <summary>
    /// The prefix of every header the Edge vouches for. The Edge strips each header with this prefix that a client
    /// sent, so a backend can trust what it finds once <see cref="Signature"/> verifies.
    /// </summary>
    public const string TrustedPrefix = "X-Gateway-";

    /// <summary>The authenticated caller's tenant.</summary>
    public const string TenantId = "X-Gateway-Tenant-Id";

    /// <summary>The OAuth client (or API key id) that made the call.</summary>
    public const string ClientId = "X-Gateway-Client-Id";

    /// <summary>The user the call is made for; the client itself for machine callers.</summary>
    public const string Subject = "X-Gateway-Subject";

    /// <summary>The granted scopes, space-separated.</summary>
    public const string Scopes = "X-Gateway-Scopes";

    /// <summary>
    /// The delegation chain (RFC 8693 <c>act</c>) of the caller's token: the acting clients, space-separated, the one
    /// acting now first. Absent when the subject acts for itself.
    /// </summary>
    public const string Actors = "X-Gateway-Actors";

    /// <summary>Unix seconds at which the Edge signed the request.</summary>
    public const string Timestamp = "X-Gateway-Timestamp";

    /// <summary>
    /// HMAC-SHA256 (base64url) over the method, path, query, request id, timestamp, the trusted headers, the client
    /// address (<c>X-Forwarded-For</c>) and the body's SHA-256; see <c>EdgeSignature</c>.
    /// </summary>
    public const string Signature = "X-Gateway-Signature";
}
