using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Edge.RateLimiting;

/// <summary>The <c>RateLimiting</c> configuration section of the Edge.</summary>
internal sealed class RateLimitingOptions : IValidatableObject
{
    public const string SectionName = "RateLimiting";

    /// <summary>Policy names with a meaning of their own in YARP route configuration.</summary>
    private static readonly string[] ReservedPolicyNames = ["default", "disable"];

    /// <summary>
    /// The policy whose per-minute quota the spec's <c>RATE_LIMIT_REQUESTS_PER_MINUTE</c> sets. Default: <c>standard</c>.
    /// (YARP reserves the names <c>default</c> and <c>disable</c> for its own meanings, so no policy may use them.)
    /// </summary>
    [Required]
    public string DefaultPolicy { get; set; } = "standard";

    /// <summary>
    /// Policies by name; YARP routes choose one with <c>RateLimiterPolicy</c>. Default: none here; the Edge's
    /// <c>appsettings.json</c> defines <c>standard</c> (the spec's 1,000 requests per minute per caller) and
    /// <c>token-endpoints</c> (strict limits per client and per source address).
    /// </summary>
    public Dictionary<string, RateLimitPolicyOptions> Policies { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How long a Redis decision may take before the policy's failure mode applies. Default: 250 ms.</summary>
    public TimeSpan DecisionTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>After Redis failed, how long decisions skip it and use the failure mode before trying again. Default: 2 s.</summary>
    public TimeSpan RedisRetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var reserved in ReservedPolicyNames.Where(Policies.ContainsKey))
        {
            yield return new ValidationResult($"Rate-limit policy name '{reserved}' is reserved by YARP; choose another.");
        }

        if (!Policies.ContainsKey(DefaultPolicy))
        {
            yield return new ValidationResult($"RateLimiting:DefaultPolicy '{DefaultPolicy}' is not among RateLimiting:Policies.");
        }

        foreach (var (name, policy) in Policies)
        {
            if (policy.Limits.Count == 0)
            {
                yield return new ValidationResult($"Rate-limit policy '{name}' has no limits.");
            }

            foreach (var limit in policy.Limits)
            {
                foreach (var problem in limit.Problems())
                {
                    yield return new ValidationResult($"Rate-limit policy '{name}', limit '{limit.Name}': {problem}");
                }
            }
        }
    }
}

/// <summary>One named policy: every limit in it applies to each request of the routes that use it.</summary>
internal sealed class RateLimitPolicyOptions
{
    /// <summary>The limits, all of which must admit a request. Default: none (a policy must name at least one).</summary>
    public List<RateLimitOptions> Limits { get; set; } = [];

    /// <summary>What happens while Redis cannot be asked. Default: <see cref="RedisFailureMode.FailOpen"/>.</summary>
    public RedisFailureMode FailureMode { get; set; } = RedisFailureMode.FailOpen;
}

/// <summary>One limit, counted in Redis and shared by every Edge instance.</summary>
internal sealed class RateLimitOptions
{
    /// <summary>The name in the <c>RateLimit</c> headers and metrics, such as <c>burst</c> or <c>quota</c>. Default: <c>quota</c>.</summary>
    public string Name { get; set; } = "quota";

    /// <summary>The algorithm. Default: <see cref="RateLimitAlgorithm.SlidingWindow"/>.</summary>
    public RateLimitAlgorithm Algorithm { get; set; } = RateLimitAlgorithm.SlidingWindow;

    /// <summary>
    /// What the limit counts per: any of <c>Caller</c> (a user by tenant and subject, a client-credentials caller by
    /// client, an API key by key), <c>Client</c>, <c>ApiKey</c>, <c>Tenant</c>, <c>SourceAddress</c>, <c>Route</c>. An
    /// anonymous caller is counted by source address wherever a caller, client, key or tenant is asked for, and a caller
    /// bound to no tenant counts as a tenant of its own. Default (when empty): <c>Caller</c>.
    /// </summary>
    /// <remarks>Empty by default: configuration binding adds to a list it finds filled, so a default here would be kept.</remarks>
    public List<PartitionDimension> PartitionBy { get; set; } = [];

    /// <summary><see cref="PartitionBy"/>, or its default.</summary>
    public IReadOnlyList<PartitionDimension> Dimensions => PartitionBy.Count > 0 ? PartitionBy : [PartitionDimension.Caller];

    /// <summary>Sliding window: requests admitted per <see cref="Window"/>. Token bucket: the bucket's capacity (the burst). Default: 1,000.</summary>
    public int PermitLimit { get; set; } = 1_000;

    /// <summary>Sliding window: the window's length. Default: 1 minute.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Token bucket: tokens added per <see cref="ReplenishmentPeriod"/> (the sustained rate). Default: 100.</summary>
    public int TokensPerPeriod { get; set; } = 100;

    /// <summary>Token bucket: the period of <see cref="TokensPerPeriod"/>. Default: 1 s.</summary>
    public TimeSpan ReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many permits one Redis call takes for an instance to hand out locally (the fast path). 1 asks Redis for every
    /// request (exact). Larger leases never let more than the limit through across all instances, but may refuse up to
    /// <c>LeaseSize × instances</c> requests early in a window, since permits an instance took but did not use still count.
    /// Default: 0, meaning <c>PermitLimit / 100</c>, between 1 and 1,000.
    /// </summary>
    [Range(0, 10_000)]
    public int LeaseSize { get; set; }

    /// <summary>How long permits taken for the fast path may be handed out before they are abandoned. Default: 1 s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(1);

    public int EffectiveLeaseSize => LeaseSize > 0 ? Math.Min(LeaseSize, PermitLimit) : Math.Clamp(PermitLimit / 100, 1, 1_000);

    /// <summary>The window of the <c>RateLimit-Policy</c> header: the window, or the time to refill an empty bucket.</summary>
    public TimeSpan QuotaWindow => Algorithm == RateLimitAlgorithm.SlidingWindow
        ? Window
        : ReplenishmentPeriod * Math.Ceiling((double)PermitLimit / TokensPerPeriod);

    public IEnumerable<string> Problems()
    {
        if (PermitLimit < 1)
        {
            yield return "PermitLimit must be at least 1.";
        }

        if (Algorithm == RateLimitAlgorithm.SlidingWindow && Window <= TimeSpan.Zero)
        {
            yield return "Window must be positive.";
        }

        if (Algorithm == RateLimitAlgorithm.TokenBucket && (TokensPerPeriod < 1 || ReplenishmentPeriod <= TimeSpan.Zero))
        {
            yield return "TokensPerPeriod must be at least 1 and ReplenishmentPeriod positive.";
        }

        if (LeaseDuration <= TimeSpan.Zero)
        {
            yield return "LeaseDuration must be positive.";
        }
    }
}

internal enum RateLimitAlgorithm
{
    /// <summary>Exact: every admitted request is remembered for the window (a Redis sorted set), none is approximated.</summary>
    SlidingWindow,

    /// <summary>A bucket of <c>PermitLimit</c> tokens refilled at <c>TokensPerPeriod</c> per period: burst plus sustained rate.</summary>
    TokenBucket,
}

internal enum PartitionDimension
{
    /// <summary>A user by tenant and subject, a client-credentials caller by client, an API key by key.</summary>
    Caller,
    Client,
    ApiKey,
    Tenant,
    SourceAddress,
    Route,
}

internal enum RedisFailureMode
{
    /// <summary>Fall back to limits kept by this instance alone, with the same numbers.</summary>
    FailOpen,

    /// <summary>Refuse requests (503 <c>SERVICE_UNAVAILABLE</c>) until Redis answers again.</summary>
    FailClosed,
}
