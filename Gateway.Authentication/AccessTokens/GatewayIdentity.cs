using System.Collections.Frozen;
using System.Security.Claims;
using AgentCore.Gateway.Authentication.EdgeTrust;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Authentication.AccessTokens;

/// <summary>
/// An authenticated caller. Built once per token (then cached) or per API key record, so scope checks, revocation
/// checks and header forwarding read ready-made values instead of searching claims on every request.
/// </summary>
public sealed class GatewayIdentity : ClaimsIdentity
{
    public GatewayIdentity(string authenticationType, EdgeCaller caller, IEnumerable<string> roles, AccessTokenFacts? token)
        : base(BuildClaims(caller, roles, token), authenticationType, GatewayClaims.Subject, GatewayClaims.Roles)
    {
        Caller = caller;
        Token = token;
        GrantedScopes = caller.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>What the Edge forwards to backends in the trusted headers.</summary>
    public EdgeCaller Caller { get; }

    /// <summary>The access token's identifiers and times; null for an API key.</summary>
    public AccessTokenFacts? Token { get; }

    public FrozenSet<string> GrantedScopes { get; }

    private static IEnumerable<Claim> BuildClaims(EdgeCaller caller, IEnumerable<string> roles, AccessTokenFacts? token)
    {
        yield return new Claim(GatewayClaims.Subject, caller.Subject);
        yield return new Claim(GatewayClaims.ClientId, caller.ClientId);
        if (caller.TenantId.Length > 0)
        {
            // No claim at all for a caller of no tenant (a platform administrator), as in its token.
            yield return new Claim(GatewayClaims.TenantId, caller.TenantId);
        }
        foreach (var scope in caller.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            yield return new Claim(GatewayClaims.Scope, scope);
        }

        foreach (var role in roles)
        {
            yield return new Claim(GatewayClaims.Roles, role);
        }

        if (token?.TokenId is { } tokenId)
        {
            yield return new Claim(GatewayClaims.TokenId, tokenId);
        }
    }
}

/// <summary>What revocation and connection lifetimes need to know about an access token.</summary>
/// <param name="TokenId">The <c>jti</c>, when the token has one.</param>
/// <param name="AuthorizationId">The authorization (refresh-token family) it was issued under (<c>oi_au_id</c>), when there is one.</param>
/// <param name="IssuedAt">The <c>iat</c> in Unix seconds; the <c>nbf</c> when the token has no <c>iat</c>.</param>
/// <param name="ExpiresAt">The <c>exp</c>.</param>
/// <param name="Audiences">The <c>aud</c> values: the resources the token is meant for.</param>
public sealed record AccessTokenFacts(
    string? TokenId, string? AuthorizationId, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, IReadOnlyList<string>? Audiences = null);
