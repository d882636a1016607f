namespace AgentCore.Gateway.Identity.Users;

/// <summary>Who an outside provider says signed in, already mapped to the gateway's tenant and roles.</summary>
/// <param name="Provider">The provider's key, prefixed by its kind (see <see cref="ExternalLogin.Provider"/>).</param>
/// <param name="Subject">The provider's stable identifier of the person.</param>
/// <param name="Name">A readable name for the account (preferred user name, email or uid); it need not be unique.</param>
/// <param name="TenantId">The gateway tenant the provider's mapping chose.</param>
/// <param name="Roles">The gateway roles the provider's mapping chose; they replace the account's roles.</param>
internal sealed record ExternalIdentity(string Provider, string Subject, string Name, string TenantId, IReadOnlyList<string> Roles);
