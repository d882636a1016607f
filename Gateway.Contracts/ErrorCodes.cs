namespace AgentCore.Gateway.Contracts;

/// <summary>
/// The machine-readable error codes of the spec, plus the few the gateway adds where none of the spec's fits.
/// </summary>
public static class ErrorCodes
{
    public const string InvalidRequest = "INVALID_REQUEST";
    public const string AuthenticationFailed = "AUTHENTICATION_FAILED";
    public const string AuthorizationDenied = "AUTHORIZATION_DENIED";
    public const string RateLimitExceeded = "RATE_LIMIT_EXCEEDED";
    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";
    public const string ValidationError = "VALIDATION_ERROR";

    /// <summary>No resource or route matches the request (404). Not in the spec's list.</summary>
    public const string NotFound = "NOT_FOUND";

    /// <summary>The route exists but not for this HTTP method (405). Not in the spec's list.</summary>
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";

    /// <summary>The body is larger than the configured limit (413). Not in the spec's list.</summary>
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";

    /// <summary>The body's content type is not accepted by the route (415). Not in the spec's list.</summary>
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";

    /// <summary>The upstream service did not answer in time (504). Not in the spec's list.</summary>
    public const string GatewayTimeout = "GATEWAY_TIMEOUT";

    /// <summary>The upstream service answered with something the gateway could not use (502). Not in the spec's list.</summary>
    public const string BadGateway = "BAD_GATEWAY";

    /// <summary>An unexpected failure inside the gateway (500). Never carries internals. Not in the spec's list.</summary>
    public const string InternalError = "INTERNAL_ERROR";

    /// <summary>The code that stands for a bare HTTP status when nothing more specific is known.</summary>
    public static string ForStatus(int statusCode) => statusCode switch
    {
        400 => InvalidRequest,
        401 => AuthenticationFailed,
        403 => AuthorizationDenied,
        404 => NotFound,
        405 => MethodNotAllowed,
        413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
        422 => ValidationError,
        429 => RateLimitExceeded,
        502 => BadGateway,
        503 => ServiceUnavailable,
        504 => GatewayTimeout,
        >= 500 => InternalError,
        _ => InvalidRequest,
    };
}
