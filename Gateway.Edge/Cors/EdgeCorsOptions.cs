using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Edge.Cors;

/// <summary>
/// The <c>Cors</c> section. <c>CORS_ALLOWED_ORIGINS</c> (comma-separated, as the spec names it) adds to
/// <see cref="AllowedOrigins"/>. Origins are matched exactly; <c>*</c> and <c>null</c> are refused at start, because
/// credentials are always allowed.
/// </summary>
internal sealed class EdgeCorsOptions : IValidatableObject
{
    public const string SectionName = "Cors";

    /// <summary>The environment variable of the spec.</summary>
    public const string EnvironmentVariable = "CORS_ALLOWED_ORIGINS";

    /// <summary>
    /// The Edge's own public origins: requests from them are same-origin (the login form, the portal's module scripts
    /// and fetches) and never refused. Configured, never taken from the request's Host header, which a client (or a
    /// DNS-rebinding page) chooses. The configured issuer's origin (<c>Gateway:Issuer</c>) is always one of them; add
    /// others where the Edge answers on more than one (its HTTPS endpoint beside plain HTTP). Default: the issuer's.
    /// </summary>
    public IList<string> PublicOrigins { get; } = [];

    /// <summary>Origins (scheme, host and port, no path) allowed to call from a browser. Default: none.</summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>Methods a preflight may ask for. Default: GET, POST, PUT, PATCH, DELETE.</summary>
    public IList<string> AllowedMethods { get; } = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    /// <summary>Request headers a preflight may ask for. Default: Authorization, Content-Type, X-Request-ID, X-API-Key, Last-Event-ID.</summary>
    public IList<string> AllowedHeaders { get; } = ["Authorization", "Content-Type", "X-Request-ID", "X-API-Key", "Last-Event-ID"];

    /// <summary>Response headers scripts may read. Default: X-Request-ID, Retry-After, WWW-Authenticate.</summary>
    public IList<string> ExposedHeaders { get; } = ["X-Request-ID", "Retry-After", "WWW-Authenticate"];

    /// <summary>How long browsers may cache a preflight answer. Default: 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan PreflightMaxAge { get; set; } = TimeSpan.FromMinutes(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var origin in AllowedOrigins)
        {
            if (!IsExactOrigin(origin))
            {
                yield return new ValidationResult($"'{origin}' is not an exact origin (scheme://host[:port]); wildcards and null are not allowed.", [nameof(AllowedOrigins)]);
            }
        }

        foreach (var origin in PublicOrigins.Where(origin => !IsExactOrigin(origin)))
        {
            yield return new ValidationResult($"'{origin}' is not an exact origin (scheme://host[:port]).", [nameof(PublicOrigins)]);
        }
    }

    private static bool IsExactOrigin(string origin) =>
        origin is not ("*" or "null") && Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.GetLeftPart(UriPartial.Authority) == origin;
}
