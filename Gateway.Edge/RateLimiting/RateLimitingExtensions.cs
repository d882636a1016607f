using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Messaging.Auditing;

namespace AgentCore.Gateway.Edge.RateLimiting;

internal static class RateLimitingExtensions
{
    /// <summary>The spec's setting for the default policy's per-minute quota.</summary>
    private const string RequestsPerMinuteSetting = "RATE_LIMIT_REQUESTS_PER_MINUTE";

    /// <summary>
    /// Distributed rate limits on ASP.NET Core's rate-limiting middleware: every configured policy is registered by name,
    /// so YARP routes choose theirs with <c>RateLimiterPolicy</c>; counters live in Redis.
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
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<RateLimitingMetrics>();
        builder.Services.AddSingleton<RedisRateLimitStore>();
        builder.Services.AddSingleton<RateLimitPolicies>();

        var policyNames = builder.Configuration.GetSection(RateLimitingOptions.SectionName).GetSection(nameof(RateLimitingOptions.Policies))
            .GetChildren().Select(policy => policy.Key).ToList();
        builder.Services.AddRateLimiter(limiter =>
        {
            foreach (var name in policyNames)
            {
                limiter.AddPolicy(name, context => context.RequestServices.GetRequiredService<RateLimitPolicies>()[name].GetPartition(context));
            }

            limiter.OnRejected = async (context, _) =>
            {
                RecordRefusal(context.HttpContext);
                await RateLimitHeaders.WriteRefusalAsync(context.HttpContext).ConfigureAwait(false);
            };
        });
        return builder;
    }

    /// <summary>The limiter, then the <c>RateLimit</c> headers on every response of a limited route.</summary>
    public static WebApplication UseEdgeRateLimiting(this WebApplication app)
    {
        app.UseRateLimiter();
        app.Use((context, next) =>
        {
            if (context.Features.Get<RateLimitDecision>() is { } decision)
            {
                context.Response.OnStarting(static state =>
                {
                    var (response, admitted) = ((HttpResponse, RateLimitDecision))state;
                    RateLimitHeaders.Apply(response, admitted);
                    return Task.CompletedTask;
                }, (context.Response, decision));
            }

            return next(context);
        });
        return app;
    }

    private static void RecordRefusal(HttpContext context)
    {
        var decision = context.Features.Get<RateLimitDecision>();
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
            decision?.LimiterUnavailable == true ? "limiter_unavailable" : "limit_exceeded",
            new Dictionary<string, string>
            {
                ["policy"] = decision?.Policy ?? string.Empty,
                ["limit"] = decision?.TightestLimit?.Name ?? string.Empty,
            }));
    }
}
