using System.Diagnostics;
using System.Diagnostics.Metrics;
using AgentCore.Gateway.Edge.Authentication;

namespace AgentCore.Gateway.Edge.Admission;

/// <summary>
/// The authentication and authorization metrics ASP.NET Core's own middlewares record, with their names and tags,
/// recorded by admission instead (which replaces those middlewares), so that dashboards and alerts built on them keep
/// working: <c>aspnetcore.authentication.authenticate.duration</c> and <c>aspnetcore.authorization.attempts</c>. Tags
/// are bound once.
/// </summary>
internal sealed class AdmissionMetrics
{
    public const string MeterName = "AgentCore.Gateway.Edge.Admission";

    /// <summary>The scheme tag: the name of the Edge's authentication scheme before admission replaced it.</summary>
    public const string SchemeName = "Gateway";

    private static readonly KeyValuePair<string, object?>[] Succeeded = Authentication("success");
    private static readonly KeyValuePair<string, object?>[] Failed = Authentication("failure");
    private static readonly KeyValuePair<string, object?>[] NoResult = Authentication("none");

    private readonly Histogram<double> authenticateDuration;
    private readonly Counter<long> authorizationAttempts;

    public AdmissionMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        authenticateDuration = meter.CreateHistogram<double>(
            "aspnetcore.authentication.authenticate.duration",
            unit: "s",
            description: "The authentication duration for a request.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] });
        authorizationAttempts = meter.CreateCounter<long>(
            "aspnetcore.authorization.attempts",
            unit: "{request}",
            description: "The total number of requests for which authorization was attempted.");
    }

    /// <summary>A timestamp to pass to <see cref="Authenticated"/>, or 0 when nobody listens.</summary>
    public long StartAuthentication() => authenticateDuration.Enabled ? Stopwatch.GetTimestamp() : 0;

    public void Authenticated(long started, EdgeAuthenticationOutcome outcome)
    {
        if (started != 0)
        {
            var tags = outcome switch
            {
                EdgeAuthenticationOutcome.Authenticated => Succeeded,
                EdgeAuthenticationOutcome.None => NoResult,
                _ => Failed,
            };
            authenticateDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }
    }

    /// <summary>An authorization decision on a route that requires one.</summary>
    public void Authorized(AuthorizationTags route, bool isAuthenticated, bool succeeded) =>
        authorizationAttempts.Add(1, succeeded ? route.Succeeded : isAuthenticated ? route.Denied : route.Unauthenticated);

    private static KeyValuePair<string, object?>[] Authentication(string result) =>
        [new("aspnetcore.authentication.scheme", SchemeName), new("aspnetcore.authentication.result", result)];

    /// <summary>The tags of one route's authorization outcomes, bound once.</summary>
    internal sealed class AuthorizationTags(string? policy)
    {
        public KeyValuePair<string, object?>[] Succeeded { get; } = Tags(policy, authenticated: true, "success");

        public KeyValuePair<string, object?>[] Denied { get; } = Tags(policy, authenticated: true, "failure");

        public KeyValuePair<string, object?>[] Unauthenticated { get; } = Tags(policy, authenticated: false, "failure");

        private static KeyValuePair<string, object?>[] Tags(string? policy, bool authenticated, string result) => policy is null
            ? [new("user.is_authenticated", authenticated), new("aspnetcore.authorization.result", result)]
            : [new("user.is_authenticated", authenticated), new("aspnetcore.authorization.policy", policy), new("aspnetcore.authorization.result", result)];
    }
}
