using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCore.Gateway.Identity.Users;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AgentCore.Gateway.Identity.Authorization;

/// <summary>
/// RFC 8693 token exchange for agents. OpenIddict has authenticated the calling client (the agent) and validated the
/// subject token (a user's token, or another agent's delegated one: signature, expiry, revocation, its authorization).
/// This decides, by <see cref="TokenExchangeOptions"/>, whether that agent may act for that user toward the requested
/// resource, and builds the short-lived, down-scoped token whose <c>act</c> names the agent, nested over the chain the
/// subject token already carried. The new token keeps the subject token's authorization id, so revoking the user's
/// session (its refresh-token family) or signing the user out revokes everything derived from it.
/// </summary>
internal sealed class DelegatedTokens(
    IOptions<TokenExchangeOptions> options,
    ProtectedResources resources,
    IOpenIddictApplicationManager applications,
    UserAuthenticator users)
{
    public async Task<(ClaimsIdentity? Identity, string? Error, string? Description)> ExchangeAsync(
        OpenIddictRequest request, ClaimsPrincipal subject, ClaimsPrincipal? actorToken, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var agent = request.ClientId!;
        if (!settings.Clients.TryGetValue(agent, out var policy))
        {
            return Refuse(Errors.UnauthorizedClient, "This client may not act for others.");
        }

        if (actorToken is not null && actorToken.GetClaim(Claims.Subject) != agent && actorToken.GetClaim(Claims.ClientId) != agent)
        {
            return Refuse(Errors.InvalidRequest, "The actor token must name the calling client.");
        }

        var user = await users.FindActiveAsync(subject.GetClaim(Claims.Subject), cancellationToken);
        if (user is null)
        {
            return Refuse(Errors.InvalidGrant, "The subject token's user is no longer allowed to sign in.");
        }

        var tenants = policy.Tenants.Count > 0 ? policy.Tenants : await OwnTenantAsync(agent, cancellationToken);
        if (!tenants.Contains(user.TenantId, StringComparer.Ordinal))
        {
            return Refuse(Errors.InvalidGrant, "This client may not act for users of that tenant.");
        }

        var chain = subject.GetClaim(GatewayIdentities.ActorClaim) is { Length: > 0 } act ? JsonNode.Parse(act) as JsonObject : null;
        var depth = 1 + Depth(chain);
        if (chain is not null && !policy.Delegators.Contains(CurrentActor(chain) ?? string.Empty, StringComparer.Ordinal))
        {
            return Refuse(Errors.InvalidGrant, "This client may not act for the agent the subject token was delegated to.");
        }

        if (depth > settings.MaxDelegationDepth)
        {
            return Refuse(Errors.InvalidGrant, $"The delegation chain would be deeper than {settings.MaxDelegationDepth}.");
        }

        var requested = request.GetResources();
        var allowedAudiences = policy.Audiences.Select(audience => ProtectedResources.Resolve(resources.Issuer, audience)).ToHashSet(StringComparer.Ordinal);
        if (requested.Length != 1 || !allowedAudiences.Contains(requested[0]))
        {
            return Refuse(Errors.InvalidTarget, "Name exactly one resource this client may act toward.");
        }

        var held = subject.GetScopes().ToHashSet(StringComparer.Ordinal);
        var scopes = request.GetScopes();
        if (scopes.IsEmpty)
        {
            scopes = [.. policy.Scopes.Where(held.Contains)];
        }
        else if (scopes.Any(scope => !held.Contains(scope) || !policy.Scopes.Contains(scope, StringComparer.Ordinal)))
        {
            return Refuse(Errors.InvalidScope, "A requested scope is beyond what the subject token or this client's policy grants.");
        }

        if (scopes.IsEmpty)
        {
            return Refuse(Errors.InvalidScope, "No scope is left to delegate.");
        }

        var identity = GatewayIdentities.ForUser(user, scopes, resources: requested);
        var actor = new JsonObject { [Claims.Subject] = agent, [Claims.ClientId] = agent };
        if (chain is not null)
        {
            actor[GatewayIdentities.ActorClaim] = chain.DeepClone();
        }

        identity.SetClaim(GatewayIdentities.ActorClaim, actor);
        identity.FindFirst(GatewayIdentities.ActorClaim)!.SetDestinations(Destinations.AccessToken);
        identity.SetAccessTokenLifetime(settings.TokenLifetime);
        if (subject.GetAuthorizationId() is { Length: > 0 } authorization)
        {
            identity.SetAuthorizationId(authorization);
        }

        return (identity, null, null);
    }

    /// <summary>The acting party of a chain: its outermost <c>act</c>.</summary>
    private static string? CurrentActor(JsonObject chain) =>
        (chain[Claims.ClientId] ?? chain[Claims.Subject]) is JsonValue value && value.TryGetValue<string>(out var actor) ? actor : null;

    private static int Depth(JsonObject? chain) =>
        chain is null ? 0 : 1 + Depth(chain[GatewayIdentities.ActorClaim] as JsonObject);

    private async Task<IReadOnlyList<string>> OwnTenantAsync(string clientId, CancellationToken cancellationToken)
    {
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
        var properties = application is null ? null : await applications.GetPropertiesAsync(application, cancellationToken);
        return properties is not null && properties.TryGetValue(GatewayIdentities.TenantProperty, out var tenant) && tenant.ValueKind == JsonValueKind.String
            ? [tenant.GetString()!]
            : [];
    }

    private static (ClaimsIdentity?, string?, string?) Refuse(string error, string description) => (null, error, description);
}
