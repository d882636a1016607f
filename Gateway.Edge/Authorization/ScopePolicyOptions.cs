namespace AgentCore.Gateway.Edge.Authorization;

/// <summary>
/// The <c>Authorization</c> section: named policies, each a list of scopes that must all be granted. YARP routes
/// name a policy in their <c>AuthorizationPolicy</c>; a route without one is anonymous. Default: no policies.
/// </summary>
internal sealed class ScopePolicyOptions
{
    public const string SectionName = "Authorization";

    public Dictionary<string, string[]> Policies { get; } = new(StringComparer.Ordinal);
}
