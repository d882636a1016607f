using System.Globalization;
using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Edge.Authentication;
using AgentCore.Gateway.Edge.RateLimiting;
using AgentCore.Gateway.Messaging.Auditing;
using AgentCore.Gateway.ServiceDefaults.Errors;

namespace AgentCore.Gateway.Edge.Admission;

/// <summary>
/// Admits a request in one pass, in this order: authentication (<see cref="EdgeAuthenticator"/>), authorization by the
/// route's scopes, then the route's rate limit, so that requests refused with 401 or 403 use up no caller's quota.
/// Refusals: 401 <c>AUTHENTICATION_FAILED</c> with <c>WWW-Authenticate</c>, 403 <c>AUTHORIZATION_DENIED</c> naming the
/// required scopes, 429 <c>RATE_LIMIT_EXCEEDED</c> (or 503 when Redis cannot be asked and the policy fails closed),
/// 429 for an address that has used up its authentication failures, and 503 with <c>Retry-After</c> for a token that
/// cannot be checked because Identity's signing keys are unavailable. Everything a route asks is worked out once
/// (<see cref="RouteAdmission"/>); a request of a caller already seen on its connection, within its leased permits,
/// is admitted without allocating, hashing or waiting.
/// </summary>
internal sealed class AdmissionMiddleware(
    RequestDelegate next,
    RouteAdmissions routes,
    EdgeAuthenticator authenticator,
    AdmissionMetrics metrics,
    RateLimitingMetrics rateLimitMetrics)
{
    /// <summary>The name refusals and metrics give the throttle of authentication failures.</summary>
    public const string FailurePolicyName = "authentication-failures";

    private const string MissingCredentials = "A bearer access token or an API key is required.";

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint() is not { } endpoint)
        {
            return next(context);
        }

        var route = routes.Of(endpoint);
        var started = metrics.StartAuthentication();
        if (authenticator.TryAuthenticateFromConnection(context, route.AcceptsQueryToken, out var principal))
        {
            metrics.Authenticated(started, EdgeAuthenticationOutcome.Authenticated);
            context.User = principal;
            return AuthorizeAndLimit(context, route, (GatewayIdentity)principal.Identity!);
        }

        if (route.RequiresAuthentication || EdgeAuthenticator.CarriesCredentials(context.Request, route.AcceptsQueryToken))
        {
            return AuthenticateAsync(context, route, started);
        }

        metrics.Authenticated(started, EdgeAuthenticationOutcome.None);
        return AuthorizeAndLimit(context, route, identity: null);
    }

    private async Task AuthenticateAsync(HttpContext context, RouteAdmission route, long started)
    {
        var authentication = await authenticator.AuthenticateAsync(context, route.AcceptsQueryToken);
        metrics.Authenticated(started, authentication.Outcome);
        if (route.RequiresAuthentication && authentication.Outcome != EdgeAuthenticationOutcome.Authenticated)
        {
            metrics.Authorized(route.AuthorizationTags, isAuthenticated: false, succeeded: false);
        }

        var address = context.Connection.RemoteIpAddress;
        switch (authentication.Outcome)
        {
            case EdgeAuthenticationOutcome.Throttled:
                await RefuseThrottledAsync(context, authentication.RetryAfter);
                return;
            case EdgeAuthenticationOutcome.Unavailable when route.RequiresAuthentication:
                await AccessTokenResponses.UnavailableAsync(context, authentication.Failure!, authentication.RetryAfter);
                return;
            case EdgeAuthenticationOutcome.Refused when route.RequiresAuthentication:
                RecordExhausted(context, authentication.FailuresExhausted);
                await AccessTokenResponses.ChallengeAsync(context, authentication.Failure, MissingCredentials);
                return;
            case EdgeAuthenticationOutcome.Unavailable:
                // An anonymous route serves a caller whose token cannot be checked now as anonymous, counting nothing.
                break;
            case EdgeAuthenticationOutcome.Refused:
                // An anonymous route serves a caller whose credentials failed as anonymous; the failure still counts.
                RecordExhausted(context, authentication.FailuresExhausted);
                break;
            case EdgeAuthenticationOutcome.None when route.RequiresAuthentication:
                if (authenticator.IsThrottled(address, out var retryAfter))
                {
                    await RefuseThrottledAsync(context, retryAfter);
                    return;
                }

                RecordExhausted(context, authenticator.RecordMissingCredentials(address));
                await AccessTokenResponses.ChallengeAsync(context, null, MissingCredentials);
                return;
            case EdgeAuthenticationOutcome.Authenticated:
                context.User = authentication.Principal!;
                break;
        }

        await AuthorizeAndLimit(context, route, authentication.Identity);
    }

    /// <summary>Authorization by the route's scopes, then its rate limit; synchronous while leased permits last.</summary>
    private Task AuthorizeAndLimit(HttpContext context, RouteAdmission route, GatewayIdentity? identity)
    {
        if (route.RequiresAuthentication)
        {
            var granted = route.Grants(identity!);
            metrics.Authorized(route.AuthorizationTags, isAuthenticated: true, granted);
            if (!granted)
            {
                return AccessTokenResponses.ForbidAsync(context, route.RequiredScopesText);
            }
        }

        if (route.RateLimit is not { } policy)
        {
            return next(context);
        }

        var partition = policy.PartitionOf(context, identity, route.RouteSegment ?? RouteSegmentOf(context));
        var decision = new RateLimitDecision(policy.Name, policy.Options.Limits);
        if (policy.TryAdmit(partition, decision) is not true)
        {
            return RateLimitAsync(context, policy, partition, decision);
        }

        decision.ApplyOnStarting(context.Response);
        return next(context);
    }

    private async Task RateLimitAsync(HttpContext context, RateLimitPolicy policy, PartitionKey partition, RateLimitDecision decision)
    {
        if (!await policy.AdmitAsync(partition, decision))
        {
            await RateLimitingExtensions.RefuseAsync(context, decision);
            return;
        }

        decision.ApplyOnStarting(context.Response);
        await next(context);
    }

    /// <summary>Outside YARP's routes, the path is the route.</summary>
    private static string RouteSegmentOf(HttpContext context) => "route:" + context.Request.Path.Value;

    private Task RefuseThrottledAsync(HttpContext context, TimeSpan retryAfter)
    {
        rateLimitMetrics.Blocked(FailurePolicyName);
        var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return ErrorResponses.WriteAsync(
            context,
            StatusCodes.Status429TooManyRequests,
            ErrorCodes.RateLimitExceeded,
            "Too many failed authentications from this address: credentials are not checked until it waits.",
            new Dictionary<string, object?> { ["policy"] = FailurePolicyName, ["retry_after_seconds"] = seconds });
    }

    /// <summary>Audits the failure that used up an address's allowance, once per exhaustion rather than per refusal.</summary>
    private static void RecordExhausted(HttpContext context, bool exhausted)
    {
        if (!exhausted || context.RequestServices.GetService<IAuditTrail>() is not { } audit)
        {
            return;
        }

        audit.Record(new AuditEvent(
            Guid.NewGuid(),
            context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow(),
            AuditEventTypes.RateLimitExceeded,
            new AuditActor(null, null, null),
            AuditAddresses.Truncate(context.Connection.RemoteIpAddress),
            context.TraceIdentifier,
            context.Request.Path.Value,
            AuditOutcomes.Denied,
            "authentication_failures",
            new Dictionary<string, string> { ["policy"] = FailurePolicyName }));
    }
}
