using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Errors;

namespace AgentCore.Gateway.Edge.RateLimiting;

/// <summary>
/// The IETF rate-limit headers (draft-ietf-httpapi-ratelimit-headers): <c>RateLimit-Policy</c> lists every limit of the
/// route's policy as <c>"name";q=quota;w=window-seconds</c>; <c>RateLimit</c> reports the tightest one as
/// <c>"name";r=remaining;t=seconds-to-reset</c>. Refusals add <c>Retry-After</c> and the error envelope.
/// </summary>
internal static class RateLimitHeaders
{
    public const string PolicyHeader = "RateLimit-Policy";
    public const string StateHeader = "RateLimit";

    /// <summary>A policy's limits never change once bound, so its <c>RateLimit-Policy</c> value is built once.</summary>
    private static readonly ConditionalWeakTable<IReadOnlyList<RateLimitOptions>, string> PolicyValues = [];

    public static void Apply(HttpResponse response, RateLimitDecision decision)
    {
        response.Headers[PolicyHeader] = PolicyValues.GetValue(decision.Limits, PolicyValue);
        if (decision.TightestLimit is { } tightest)
        {
            response.Headers[StateHeader] = string.Create(
                CultureInfo.InvariantCulture, $"\"{tightest.Name}\";r={Math.Max(0, decision.Remaining)};t={Seconds(decision.Reset)}");
        }
    }

    private static string PolicyValue(IReadOnlyList<RateLimitOptions> limits)
    {
        var policy = new StringBuilder();
        foreach (var limit in limits)
        {
            if (policy.Length > 0)
            {
                policy.Append(", ");
            }

            policy.Append(CultureInfo.InvariantCulture, $"\"{limit.Name}\";q={limit.PermitLimit};w={Seconds(limit.QuotaWindow)}");
        }

        return policy.ToString();
    }

    public static async ValueTask WriteRefusalAsync(HttpContext context, RateLimitDecision decision)
    {
        var retryAfter = decision.RetryAfter ?? TimeSpan.FromSeconds(1);
        context.Response.Headers.RetryAfter = Seconds(retryAfter).ToString(CultureInfo.InvariantCulture);
        Apply(context.Response, decision);

        if (decision.LimiterUnavailable)
        {
            await ErrorResponses.WriteAsync(
                context,
                StatusCodes.Status503ServiceUnavailable,
                ErrorCodes.ServiceUnavailable,
                "The rate limiter cannot decide right now and this route refuses requests until it can.",
                new Dictionary<string, object?> { ["policy"] = decision.Policy, ["retry_after_seconds"] = Seconds(retryAfter) });
            return;
        }

        await ErrorResponses.WriteAsync(
            context,
            StatusCodes.Status429TooManyRequests,
            ErrorCodes.RateLimitExceeded,
            "Too many requests: the rate limit of this route is exhausted.",
            new Dictionary<string, object?>
            {
                ["policy"] = decision.Policy,
                ["limit"] = decision.TightestLimit?.Name,
                ["retry_after_seconds"] = Seconds(retryAfter),
            });
    }

    /// <summary>Whole seconds, rounded up, so that a client waiting this long is never early.</summary>
    private static long Seconds(TimeSpan span) => Math.Max(0, (long)Math.Ceiling(span.TotalSeconds));
}
