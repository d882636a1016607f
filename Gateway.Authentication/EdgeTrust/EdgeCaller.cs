namespace AgentCore.Gateway.Authentication.EdgeTrust;

/// <summary>The authenticated caller as the Edge vouches for it in the trusted headers.</summary>
/// <param name="TenantId">The caller's tenant; empty for callers bound to none (platform administrators).</param>
/// <param name="ClientId">The OAuth client, or the API key's id.</param>
/// <param name="Subject">The user, or the client itself for machine callers.</param>
/// <param name="Scopes">The granted scopes, space-separated.</param>
/// <param name="Actors">
/// The delegation chain of the token (RFC 8693 <c>act</c>), space-separated, the party acting now first: an agent acting
/// for the user, then the agent it acts for, and so on. Empty when the subject acts for itself.
/// </param>
public sealed record EdgeCaller(string TenantId, string ClientId, string Subject, string Scopes, string Actors = "")
{
    /// <summary>True when <paramref name="scope"/> is one of the granted scopes.</summary>
    public bool HasScope(string scope) =>
        Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal);
}
