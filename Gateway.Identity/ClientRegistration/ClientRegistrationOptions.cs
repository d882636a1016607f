using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.Identity.ClientRegistration;

/// <summary>
/// The <c>Identity:ClientMetadataDocuments</c> section: MCP clients that name themselves by an HTTPS URL (their Client ID
/// Metadata Document) are registered from that document the first time they ask, then kept for <see cref="CacheDuration"/>.
/// The fetch is the server reaching out to an address a stranger chose, so it is fenced: HTTPS only, no private, loopback
/// or link-local address (checked on the address actually connected to), no redirects, bounded size and time.
/// </summary>
internal sealed class ClientMetadataDocumentOptions
{
    public const string SectionName = "Identity:ClientMetadataDocuments";

    /// <summary>Whether client ids that are URLs are accepted at all. Default: true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Whether a document must be served over HTTPS, as the MCP spec requires. Default: true.</summary>
    public bool RequireHttps { get; set; } = true;

    /// <summary>The hosts documents may come from; empty lets any public host serve one. Default: any.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>
    /// Hosts that may resolve to a private or loopback address all the same (a document server on the same network,
    /// a test). Default: none.
    /// </summary>
    public List<string> PrivateNetworkHosts { get; set; } = [];

    /// <summary>The largest document read. Default: 5 KiB.</summary>
    [Range(256, 64 * 1024)]
    public int MaxDocumentBytes { get; set; } = 5 * 1024;

    /// <summary>How long the fetch may take in all. Default: 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a registration from a document is used before the document is fetched again. Default: 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The scopes a client registered this way may be granted (the user still consents). Default (empty):
    /// <see cref="PublicClients.DefaultScopes"/>; configured values replace the default.
    /// </summary>
    public List<string> AllowedScopes { get; set; } = [];

    public IReadOnlyList<string> GrantableScopes => AllowedScopes.Count > 0 ? AllowedScopes : PublicClients.DefaultScopes;
}

/// <summary>
/// The <c>Identity:DynamicClientRegistration</c> section: RFC 7591 registration at <c>POST /connect/register</c>. Off by
/// default; when on, only public PKCE clients whose redirect URIs are on the allow-list are registered.
/// </summary>
internal sealed class DynamicClientRegistrationOptions
{
    public const string SectionName = "Identity:DynamicClientRegistration";

    /// <summary>Whether the endpoint exists (and is advertised). Default: false.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// The hosts redirect URIs may name. Default (empty): the loopback ones native MCP clients use (localhost,
    /// 127.0.0.1, [::1]); configured values replace the default (the configuration binder would append to a filled list).
    /// </summary>
    public List<string> AllowedRedirectHosts { get; set; } = [];

    public IReadOnlyList<string> RedirectHosts => AllowedRedirectHosts.Count > 0 ? AllowedRedirectHosts : LoopbackHosts;

    /// <summary>
    /// The scopes a registered client may be granted (the user still consents). Default (empty):
    /// <see cref="PublicClients.DefaultScopes"/>; configured values replace the default.
    /// </summary>
    public List<string> AllowedScopes { get; set; } = [];

    public IReadOnlyList<string> GrantableScopes => AllowedScopes.Count > 0 ? AllowedScopes : PublicClients.DefaultScopes;

    private static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    /// <summary>The most redirect URIs of one registration. Default: 5.</summary>
    [Range(1, 20)]
    public int MaxRedirectUris { get; set; } = 5;
}
