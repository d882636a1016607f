using Microsoft.AspNetCore.Authorization;

namespace AgentCore.Gateway.Authentication.AccessTokens;

/// <summary>Every one of <see cref="Scopes"/> must be granted to the caller.</summary>
public sealed class ScopeRequirement(IReadOnlyList<string> scopes)
    : AuthorizationHandler<ScopeRequirement>, IAuthorizationRequirement
{
    public IReadOnlyList<string> Scopes { get; } = scopes;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (context.User.Identity is GatewayIdentity identity && requirement.Scopes.All(identity.GrantedScopes.Contains))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

public static class ScopePolicyExtensions
{
    /// <summary>Requires an authenticated gateway caller granted every one of <paramref name="scopes"/>.</summary>
    public static AuthorizationPolicyBuilder RequireScopes(this AuthorizationPolicyBuilder policy, params string[] scopes) =>
        policy.RequireAuthenticatedUser().AddRequirements(new ScopeRequirement(scopes));
}
