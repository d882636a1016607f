using System.Net;
using System.Security.Claims;
using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Contracts;
using Microsoft.AspNetCore.Connections.Features;

namespace AgentCore.Gateway.Edge.Authentication;

/// <summary>
/// The Edge's credentials: a bearer access token or an <c>X-API-Key</c>, never both and never two of either. Where the
/// route allows it (the WebSocket and event-stream routes) the token may come as the <c>access_token</c> query parameter
/// (RFC 6750 section 2.3), because browsers cannot set headers there; it then travels on to the backend as an
/// <c>Authorization</c> header, out of the URL (<see cref="QueryAccessToken"/>).
/// </summary>
/// <remarks>
/// A token is validated once and cached until it expires (<see cref="AccessTokenValidator"/>); every request is
/// checked against the revocations. On an HTTP/1 connection, whose requests come one after another, the last
/// <c>Authorization</c> header that passed is remembered with its identity: a client that sends the same header again
/// (Kestrel even hands over the same string) is recognised by comparing it, without hashing it again. Failures count
/// against the source address (<see cref="AuthenticationFailureThrottle"/>): an address that used up its failures gets
/// its credentials refused unread, unless they are a token already known to be good.
/// </remarks>
internal sealed class EdgeAuthenticator(AccessTokenValidator tokens, ApiKeyStore apiKeys, AuthenticationFailureThrottle failures)
{
    private static readonly object ConnectionMemoKey = new();

    /// <summary>
    /// The fast path: the identity remembered on this connection for this very <c>Authorization</c> header, still
    /// unexpired and unrevoked. False when the request must go through <see cref="AuthenticateAsync"/>.
    /// </summary>
    public bool TryAuthenticateFromConnection(HttpContext context, bool acceptsQueryToken, out ClaimsPrincipal principal)
    {
        principal = null!;
        var request = context.Request;
        var authorization = request.Headers.Authorization;
        if (authorization.Count != 1 || ConnectionMemo.Of(context, create: false) is not { Header: { } header } memo)
        {
            return false;
        }

        var presented = authorization[0];
        if ((!ReferenceEquals(presented, header) && !string.Equals(presented, header, StringComparison.Ordinal))
            || request.Headers.ContainsKey(ApiKeys.Header)
            || (acceptsQueryToken && request.Query.ContainsKey(BearerCredentials.QueryParameter))
            || tokens.Revalidate(memo.Identity!) is not { Identity: not null })
        {
            return false;
        }

        principal = memo.Principal!;
        return true;
    }

    /// <summary>Whether the request carries anything <see cref="AuthenticateAsync"/> would read as a credential, or try to.</summary>
    public static bool CarriesCredentials(HttpRequest request, bool acceptsQueryToken) =>
        request.Headers.Authorization.Count > 0
        || request.Headers.ContainsKey(ApiKeys.Header)
        || (acceptsQueryToken && request.Query.ContainsKey(BearerCredentials.QueryParameter));

    /// <summary>The full path: reads, checks and validates the request's credentials.</summary>
    public async ValueTask<EdgeAuthentication> AuthenticateAsync(HttpContext context, bool acceptsQueryToken)
    {
        var request = context.Request;
        var bearer = BearerCredentials.Read(request, acceptsQueryToken);
        var apiKey = request.Headers[ApiKeys.Header];
        if (bearer.Count + apiKey.Count == 0)
        {
            return EdgeAuthentication.None;
        }

        var address = context.Connection.RemoteIpAddress;
        if (bearer.Count + apiKey.Count > 1)
        {
            return Refuse(address, "The request carries more than one credential.");
        }

        var known = bearer.Count == 1 ? tokens.ValidateFromCache(bearer.Token!) : null;
        if (known is null && failures.IsThrottled(address, out var retryAfter))
        {
            return EdgeAuthentication.Throttled(retryAfter);
        }

        var validation = known
            ?? (bearer.Count == 1
                ? await tokens.ValidateAsync(bearer.Token!, context.RequestAborted)
                : await apiKeys.AuthenticateAsync(apiKey[0] ?? string.Empty));
        if (validation.RetryAfter is { } unavailableFor)
        {
            // Not the caller's failure: nothing is counted against the address.
            return EdgeAuthentication.Unavailable(validation.Error!, unavailableFor);
        }

        if (validation.Identity is not { } identity)
        {
            return Refuse(address, validation.Error!);
        }

        var principal = new ClaimsPrincipal(identity);
        if (bearer.FromQuery)
        {
            context.Features.Set(new QueryAccessToken(bearer.Token!));
        }
        else if (bearer.Count == 1 && request.Headers.Authorization.Count == 1 && ConnectionMemo.Of(context, create: true) is { } memo)
        {
            memo.Remember(request.Headers.Authorization[0]!, identity, principal);
        }

        return EdgeAuthentication.Authenticated(identity, principal);
    }

    /// <summary>Counts a refusal the caller's credentials did not cause: none were sent where some are required.</summary>
    public bool RecordMissingCredentials(IPAddress? address) => failures.RecordFailure(address);

    /// <summary>True when the address has used up its failures; <paramref name="retryAfter"/> says until when.</summary>
    public bool IsThrottled(IPAddress? address, out TimeSpan retryAfter) => failures.IsThrottled(address, out retryAfter);

    private EdgeAuthentication Refuse(IPAddress? address, string failure) =>
        EdgeAuthentication.Refused(failure, exhausted: failures.RecordFailure(address));

    /// <summary>What one HTTP/1 connection remembers of its last accepted <c>Authorization</c> header.</summary>
    private sealed class ConnectionMemo
    {
        public string? Header { get; private set; }

        public GatewayIdentity? Identity { get; private set; }

        public ClaimsPrincipal? Principal { get; private set; }

        /// <summary>
        /// The memo of the request's connection; null for HTTP/2 and HTTP/3, whose requests on one connection run
        /// at the same time, and for servers without connection items.
        /// </summary>
        public static ConnectionMemo? Of(HttpContext context, bool create)
        {
            var protocol = context.Request.Protocol;
            if ((!HttpProtocol.IsHttp11(protocol) && !HttpProtocol.IsHttp10(protocol))
                || context.Features.Get<IConnectionItemsFeature>()?.Items is not { } items)
            {
                return null;
            }

            if (items.TryGetValue(ConnectionMemoKey, out var found))
            {
                return (ConnectionMemo?)found;
            }

            if (!create)
            {
                return null;
            }

            var memo = new ConnectionMemo();
            items[ConnectionMemoKey] = memo;
            return memo;
        }

        public void Remember(string header, GatewayIdentity identity, ClaimsPrincipal principal)
        {
            Header = header;
            Identity = identity;
            Principal = principal;
        }
    }
}

/// <summary>What <see cref="EdgeAuthenticator"/> made of a request's credentials.</summary>
internal readonly record struct EdgeAuthentication(
    EdgeAuthenticationOutcome Outcome,
    GatewayIdentity? Identity,
    ClaimsPrincipal? Principal,
    string? Failure,
    TimeSpan RetryAfter,
    bool FailuresExhausted)
{
    public static EdgeAuthentication None => default;

    public static EdgeAuthentication Authenticated(GatewayIdentity identity, ClaimsPrincipal principal) =>
        new(EdgeAuthenticationOutcome.Authenticated, identity, principal, null, TimeSpan.Zero, false);

    /// <summary>Refused for <paramref name="failure"/>; <paramref name="exhausted"/> when it used up the address's last failure.</summary>
    public static EdgeAuthentication Refused(string failure, bool exhausted) =>
        new(EdgeAuthenticationOutcome.Refused, null, null, failure, TimeSpan.Zero, exhausted);

    public static EdgeAuthentication Throttled(TimeSpan retryAfter) =>
        new(EdgeAuthenticationOutcome.Throttled, null, null, null, retryAfter, false);

    public static EdgeAuthentication Unavailable(string failure, TimeSpan retryAfter) =>
        new(EdgeAuthenticationOutcome.Unavailable, null, null, failure, retryAfter, false);
}

internal enum EdgeAuthenticationOutcome
{
    /// <summary>The request carries no credential.</summary>
    None,
    Authenticated,

    /// <summary>The credentials are invalid, or there are too many.</summary>
    Refused,

    /// <summary>Not read: the source address has used up its failures.</summary>
    Throttled,

    /// <summary>Not checkable now: the token's signing key is not known and Identity cannot be asked.</summary>
    Unavailable,
}

/// <summary>The access token a request carried in its query, which the Edge forwards as a header instead.</summary>
internal sealed record QueryAccessToken(string Token);
