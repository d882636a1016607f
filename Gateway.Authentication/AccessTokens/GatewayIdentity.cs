using System.Collections.Frozen;
using System.Security.Claims;
using AgentCore.Gateway.Authentication.EdgeTrust;
using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Authentication.AccessTokens;

/// <summary>
/// An authenticated caller. Built once per token (then cached) or per API key record, so scope checks and header
/// forwarding read ready-made values instead of searching claims on every request.
/// </summary>
public sealed class GatewayIdentity : ClaimsIdentity
{
    public GatewayIdentity(string authenticationType, EdgeCaller caller, IEnumerable<string> roles, string? tokenId)
        : base(BuildClaims(caller, roles, tokenId), authenticationType, GatewayClaims.Subject, GatewayClaims.Roles)
    {
        Caller = caller;
        GrantedScopes = caller.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>What the Edge forwards to backends in the trusted headers.</summary>
    public EdgeCaller Caller { get; }

    public FrozenSet<string> GrantedScopes { get; }

    private static IEnumerable<Claim> BuildClaims(EdgeCaller caller, IEnumerable<string> roles, string? tokenId)
    {
        yield return new Claim(GatewayClaims.Subject, caller.Subject);
        yield return new Claim(GatewayClaims.ClientId, caller.ClientId);
        yield return new Claim(GatewayClaims.TenantId, caller.TenantId);
        foreach (var scope in caller.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            yield return new Claim(GatewayClaims.Scope, scope);
        }

        foreach (var role in roles)
        {
            yield return new Claim(GatewayClaims.Roles, role);
        }

        if (tokenId is not null)
        {
            yield return new Claim(GatewayClaims.TokenId, tokenId);
        }
    }
}
