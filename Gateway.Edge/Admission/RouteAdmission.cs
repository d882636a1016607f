using System.Runtime.CompilerServices;
using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Edge.Authorization;
using AgentCore.Gateway.Edge.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Model;

namespace AgentCore.Gateway.Edge.Admission;

/// <summary>
/// What admission asks of requests to one endpoint, worked out once from the endpoint's metadata: the authorization
/// YARP routes declare (<c>AuthorizationPolicy</c>, which YARP turns into <see cref="IAuthorizeData"/>, or
/// <see cref="IAllowAnonymous"/>) and their rate-limit policy (<see cref="EnableRateLimitingAttribute"/>), and whether
/// the route takes the token in the query.
/// </summary>
internal sealed class RouteAdmission
{
    private RouteAdmission(bool requiresAuthentication, string? policyName, string[] requiredScopes, bool acceptsQueryToken, RateLimitPolicy? rateLimit, string? routeSegment)
    {
        RequiresAuthentication = requiresAuthentication;
        AuthorizationTags = new AdmissionMetrics.AuthorizationTags(policyName);
        RequiredScopes = requiredScopes;
        RequiredScopesText = string.Join(' ', requiredScopes);
        AcceptsQueryToken = acceptsQueryToken;
        RateLimit = rateLimit;
        RouteSegment = routeSegment;
    }

    /// <summary>An authenticated caller is required (any <see cref="IAuthorizeData"/>, unless <see cref="IAllowAnonymous"/>).</summary>
    public bool RequiresAuthentication { get; }

    /// <summary>The metric tags of this endpoint's authorization outcomes.</summary>
    public AdmissionMetrics.AuthorizationTags AuthorizationTags { get; }

    /// <summary>Scopes that must all be granted; empty for none.</summary>
    public string[] RequiredScopes { get; }

    /// <summary>The required scopes as a refusal names them, space-separated.</summary>
    public string RequiredScopesText { get; }

    /// <summary>Decided by the route the request matched, never by what the request says about itself.</summary>
    public bool AcceptsQueryToken { get; }

    /// <summary>The rate-limit policy; null when the endpoint has none.</summary>
    public RateLimitPolicy? RateLimit { get; }

    /// <summary><c>route:</c> and the YARP route's id, as rate limits by route count it; null for other endpoints.</summary>
    public string? RouteSegment { get; }

    /// <summary>True when <paramref name="identity"/> holds every required scope.</summary>
    public bool Grants(GatewayIdentity identity)
    {
        foreach (var scope in RequiredScopes)
        {
            if (!identity.GrantedScopes.Contains(scope))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The admission of <paramref name="endpoint"/>; metadata that cannot be honoured here is an error, never ignored.</summary>
    public static RouteAdmission Of(Endpoint endpoint, IReadOnlyDictionary<string, string[]> scopePolicies, RateLimitPolicies rateLimits)
    {
        var metadata = endpoint.Metadata;
        var anonymous = metadata.GetMetadata<IAllowAnonymous>() is not null;
        var authorize = metadata.GetOrderedMetadata<IAuthorizeData>();
        var scopes = new List<string>();
        if (!anonymous)
        {
            if (metadata.GetMetadata<AuthorizationPolicy>() is not null)
            {
                throw Unsupported(endpoint, "an authorization policy object; name a scope policy of the Authorization section instead");
            }

            foreach (var data in authorize)
            {
                if (!string.IsNullOrEmpty(data.Roles) || !string.IsNullOrEmpty(data.AuthenticationSchemes))
                {
                    throw Unsupported(endpoint, "roles or authentication schemes in its authorization");
                }

                if (data.Policy is { } name)
                {
                    scopes.AddRange(scopePolicies.TryGetValue(name, out var granted)
                        ? granted
                        : throw Unsupported(endpoint, $"authorization policy '{name}', which is not a scope policy of the Authorization section"));
                }
            }
        }

        RateLimitPolicy? rateLimit = null;
        if (metadata.GetMetadata<DisableRateLimitingAttribute>() is null && metadata.GetMetadata<EnableRateLimitingAttribute>() is { } enable)
        {
            rateLimit = enable.PolicyName is { } policy && rateLimits.TryGet(policy, out var configured)
                ? configured
                : throw Unsupported(endpoint, $"rate-limit policy '{enable.PolicyName}', which is not a policy of the RateLimiting section");
        }

        var route = metadata.GetMetadata<RouteModel>()?.Config;
        var acceptsQueryToken = route?.Metadata is { } routeMetadata
            && routeMetadata.TryGetValue(QueryTokenMetadataKey, out var value)
            && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
        var policyNames = anonymous ? [] : authorize.Select(data => data.Policy).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        return new RouteAdmission(
            !anonymous && authorize.Count > 0,
            policyNames.Length == 0 ? null : string.Join(' ', policyNames),
            [.. scopes.Distinct(StringComparer.Ordinal)],
            acceptsQueryToken,
            rateLimit,
            route is null ? null : "route:" + route.RouteId);
    }

    /// <summary>The YARP route metadata key (value <c>true</c>) of routes that accept the token in the query.</summary>
    public const string QueryTokenMetadataKey = "Edge.QueryToken";

    private static InvalidOperationException Unsupported(Endpoint endpoint, string what) =>
        new($"Endpoint '{endpoint.DisplayName}' asks for {what}: the Edge's admission cannot enforce it, so it refuses to serve the endpoint.");
}

/// <summary>Every endpoint's <see cref="RouteAdmission"/>, worked out on first use; YARP's endpoints of a replaced configuration are forgotten with them.</summary>
internal sealed class RouteAdmissions(IOptions<ScopePolicyOptions> scopes, RateLimitPolicies rateLimits)
{
    private readonly ConditionalWeakTable<Endpoint, RouteAdmission> known = [];

    public RouteAdmission Of(Endpoint endpoint) =>
        known.TryGetValue(endpoint, out var admission) ? admission : known.GetValue(endpoint, Build);

    private RouteAdmission Build(Endpoint endpoint) => RouteAdmission.Of(endpoint, scopes.Value.Policies, rateLimits);
}
