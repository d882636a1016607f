using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace AgentCore.Gateway.Edge.RateLimiting;

/// <summary>The spec's rate-limiting metrics, plus how often Redis could not be asked.</summary>
internal sealed class RateLimitingMetrics
{
    public const string MeterName = "AgentCore.Gateway.RateLimiting";

    /// <summary>Buckets for a 0–1 share: the default ones (0, 5, 10, … 10,000) would put every value in the first.</summary>
    public static readonly IReadOnlyList<double> UtilizationBuckets = [0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 1.0];

    private readonly Counter<long> requestsBlocked;
    private readonly Counter<long> limitViolations;
    private readonly Histogram<double> quotaUtilization;
    private readonly Counter<long> storeFailures;
    private readonly Counter<long> fallbackDecisions;
    private readonly ConditionalWeakTable<RateLimitPolicyOptions, PolicyTags> policyTags = [];
    private long activePartitions;

    public RateLimitingMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        requestsBlocked = meter.CreateCounter<long>("requests_blocked", description: "Requests refused by a rate-limit policy.");
        limitViolations = meter.CreateCounter<long>("limit_violations", description: "Refusals per limit: a request refused by two limits counts twice.");
        quotaUtilization = meter.CreateHistogram<double>(
            "quota_utilization",
            unit: null,
            description: "Share of a limit in use when a request is decided (0 to 1).",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = UtilizationBuckets });
        storeFailures = meter.CreateCounter<long>("rate_limit_store_failures", description: "Rate-limit decisions for which Redis failed or was too slow.");
        fallbackDecisions = meter.CreateCounter<long>("rate_limit_fallback_decisions", description: "Decisions made without Redis, by the policy's failure mode.");
        meter.CreateObservableGauge("rate_limit_partitions", () => ActivePartitions, description: "Callers, routes or tenants with a limiter in this instance's memory.");
    }

    /// <summary>How many partition limiters this instance holds now; idle ones are disposed, so it falls back when traffic stops.</summary>
    public long ActivePartitions => Interlocked.Read(ref activePartitions);

    public void PartitionCreated() => Interlocked.Increment(ref activePartitions);

    public void PartitionDisposed() => Interlocked.Decrement(ref activePartitions);

    /// <summary>The tags of a policy and of each of its limits, bound once so that recording builds none per request.</summary>
    public PolicyTags TagsOf(string policy, RateLimitPolicyOptions options) => policyTags.GetValue(options, limits => new PolicyTags(
        [new("policy", policy)],
        [.. limits.Limits.Select(limit => new KeyValuePair<string, object?>[] { new("policy", policy), new("limit", limit.Name) })],
        [new("policy", policy), new("mode", nameof(RedisFailureMode.FailOpen))],
        [new("policy", policy), new("mode", nameof(RedisFailureMode.FailClosed))]));

    public void Blocked(PolicyTags tags) => requestsBlocked.Add(1, tags.Policy);

    /// <summary>A refusal that no configured policy made (the policy tag names what did).</summary>
    public void Blocked(string policy) => requestsBlocked.Add(1, new KeyValuePair<string, object?>("policy", policy));

    public void Violated(ReadOnlySpan<KeyValuePair<string, object?>> limitTags) => limitViolations.Add(1, limitTags);

    public void Utilization(ReadOnlySpan<KeyValuePair<string, object?>> limitTags, double share) => quotaUtilization.Record(share, limitTags);

    public void StoreFailed() => storeFailures.Add(1);

    public void DecidedWithoutRedis(PolicyTags tags, RedisFailureMode mode) =>
        fallbackDecisions.Add(1, mode == RedisFailureMode.FailOpen ? tags.FailOpen : tags.FailClosed);

    /// <summary>One policy's metric tags: its own, each limit's (in the policy's order), and those of its failure modes.</summary>
    internal sealed record PolicyTags(
        KeyValuePair<string, object?>[] Policy,
        KeyValuePair<string, object?>[][] Limits,
        KeyValuePair<string, object?>[] FailOpen,
        KeyValuePair<string, object?>[] FailClosed);
}
