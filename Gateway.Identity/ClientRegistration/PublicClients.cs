using System.Net;
using AgentCore.Gateway.Contracts;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AgentCore.Gateway.Identity.ClientRegistration;

/// <summary>
/// What clients registered from outside (a metadata document, RFC 7591) become: public clients of the code flow with
/// PKCE and explicit consent, limited to the scopes the policy allows, whatever they asked for.
/// </summary>
internal static class PublicClients
{
    /// <summary>The application property recording when a document registration was last fetched (Unix seconds).</summary>
    public const string FetchedAtProperty = "cimd_fetched_at";

    /// <summary>What such clients may be granted unless configured otherwise: the agents scopes and refresh tokens.</summary>
    public static readonly IReadOnlyList<string> DefaultScopes = [GatewayScopes.AgentsRead, GatewayScopes.AgentsWrite, Scopes.OfflineAccess];

    public static OpenIddictApplicationDescriptor Describe(string clientId, string? name, IEnumerable<Uri> redirectUris, IEnumerable<string> scopes)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientType = ClientTypes.Public,
            ConsentType = ConsentTypes.Explicit,
            DisplayName = string.IsNullOrWhiteSpace(name) ? clientId : name.Trim()[..Math.Min(name.Trim().Length, 100)],
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken,
                Permissions.ResponseTypes.Code,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var uri in redirectUris)
        {
            descriptor.RedirectUris.Add(uri);
        }

        foreach (var scope in scopes)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        return descriptor;
    }

    /// <summary>
    /// The MCP spec's redirect rule for native clients: HTTPS anywhere, or plain HTTP on a loopback address or
    /// <c>localhost</c> only; never a fragment or credentials.
    /// </summary>
    public static bool IsAcceptableRedirect(Uri uri) =>
        uri.IsAbsoluteUri && string.IsNullOrEmpty(uri.Fragment) && string.IsNullOrEmpty(uri.UserInfo)
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri)));

    public static bool IsLoopback(Uri uri) =>
        string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
