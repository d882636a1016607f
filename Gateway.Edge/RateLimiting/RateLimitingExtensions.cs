using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Messaging.Auditing;

namespace AgentCore.Gateway.Edge.RateLimiting;

internal static class RateLimitingExtensions
{
    /// <summary>The spec's setting for the default policy's per-minute quota.</summary>
    private const string RequestsPerMinuteSetting = "RATE_LIMIT_REQUESTS_PER_MINUTE";

    /// <summary>
    /// Distributed rate limits: every configured policy by name, so that YARP routes choose theirs with
    /// <c>RateLimiterPolicy</c> (and endpoints with <c>RequireRateLimiting</c>); counters live in Redis.
    /// </summary>
    public static IHostApplicationBuilder AddEdgeRateLimiting(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<RateLimitingOptions>(RateLimitingOptions.SectionName)
            .PostConfigure<IConfiguration>((options, configuration) =>
            {
                if (int.TryParse(configuration[RequestsPerMinuteSetting], out var perMinute)
                    && options.Policies.TryGetValue(options.DefaultPolicy, out var defaults))
                {
                    // The spec's quota is per caller: a tenant-wide ceiling above it keeps its own number.
                    foreach (var quota in defaults.Limits.Where(limit => limit.Algorithm == RateLimitAlgorithm.SlidingWindow
                        && limit.Window == TimeSpan.FromMinutes(1) && !limit.Dimensions.Contains(PartitionDimension.Tenant)))
                    {
                        quota.PermitLimit = perMinute;
                    }
                }
            });
        builder.Services.AddSingleton<RateLimitingMetrics>();
        builder.Services.AddSingleton<RedisRateLimitStore>();
        builder.Services.AddSingleton<RateLimitPolicies>();

        // The Edge's admission (Admission/AdmissionMiddleware) applies the policies; they are named to ASP.NET Core's
        // rate limiter only because YARP checks the names routes give against it. Its middleware is never used.
        var policyNames = builder.Configuration.GetSection(RateLimitingOptions.SectionName).GetSection(nameof(RateLimitingOptions.Policies))
            .GetChildren().Select(policy => policy.Key).ToList();
        builder.Services.AddRateLimiter(limiter =>
        {
            foreach (var name in policyNames)
            {
                limiter.AddPolicy<string>(name, _ => throw new InvalidOperationException(
                    $"Rate-limit policy '{name}' is applied by the Edge's admission, not by ASP.NET Core's rate-limiting middleware."));
            }
        });
        return builder;
    }

    /// <summary>
    /// Refuses a request its policy did not admit: 429 <c>RATE_LIMIT_EXCEEDED</c> (503 when Redis cannot be asked and the
    /// policy fails closed) with <c>Retry-After</c>, the rate-limit headers and the envelope, and an audit event.
    /// </summary>
    public static Task RefuseAsync(HttpContext context, RateLimitDecision decision)
    {
        RecordRefusal(context, decision);
        return RateLimitHeaders.WriteRefusalAsync(context, decision).AsTask();
    }

    private static void RecordRefusal(HttpContext context, RateLimitDecision decision)
    {
        context.RequestServices.GetService<IAuditTrail>()?.Record(new AuditEvent(
            Guid.NewGuid(),
            context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow(),
            AuditEventTypes.RateLimitExceeded,
            new AuditActor(
                context.User.FindFirst(GatewayClaims.ClientId)?.Value,
                context.User.FindFirst(GatewayClaims.Subject)?.Value,
                context.User.FindFirst(GatewayClaims.TenantId)?.Value),
            AuditAddresses.Truncate(context.Connection.RemoteIpAddress),
            context.TraceIdentifier,
            context.Request.Path.Value,
            AuditOutcomes.Denied,
            decision.LimiterUnavailable ? "limiter_unavailable" : "limit_exceeded",
            new Dictionary<string, string>
            {
                ["policy"] = decision.Policy,
                ["limit"] = decision.TightestLimit?.Name ?? string.Empty,
            }));
    }
}
