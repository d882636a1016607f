namespace AgentCore.Gateway.Edge.RateLimiting;

/// <summary>
/// The outcome of the rate-limit policy for one request, kept on the request so that the response carries the IETF
/// <c>RateLimit-Policy</c> and <c>RateLimit</c> headers, whether it was admitted or refused.
/// </summary>
internal sealed class RateLimitDecision(string policy, IReadOnlyList<RateLimitOptions> limits)
{
    private static readonly Func<object, Task> ApplyHeaders = static state =>
    {
        var decision = (RateLimitDecision)state;
        RateLimitHeaders.Apply(decision.response!, decision);
        return Task.CompletedTask;
    };

    private HttpResponse? response;

    public string Policy { get; } = policy;

    public IReadOnlyList<RateLimitOptions> Limits { get; } = limits;

    /// <summary>The limit with the fewest permits left, which the <c>RateLimit</c> header reports.</summary>
    public RateLimitOptions? TightestLimit { get; private set; }

    public long Remaining { get; private set; } = long.MaxValue;

    public TimeSpan Reset { get; private set; }

    /// <summary>Set when refused: when the caller may try again.</summary>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>True when refused because Redis could not be asked and the policy fails closed.</summary>
    public bool LimiterUnavailable { get; set; }

    /// <summary>Puts the headers on <paramref name="httpResponse"/> just before it starts, whoever writes it.</summary>
    public void ApplyOnStarting(HttpResponse httpResponse)
    {
        response = httpResponse;
        httpResponse.OnStarting(ApplyHeaders, this);
    }

    public void Observe(RateLimitOptions limit, long remaining, TimeSpan reset)
    {
        if (remaining < Remaining)
        {
            TightestLimit = limit;
            Remaining = remaining;
            Reset = reset;
        }
    }
}
