using System.ComponentModel.DataAnnotations;

namespace AgentCore.Gateway.ServiceDefaults.Authentication;

/// <summary>The <c>GatewayJwt</c> configuration section: how a backend service validates the gateway's access tokens.</summary>
public sealed class GatewayJwtOptions
{
    public const string SectionName = "GatewayJwt";

    /// <summary>
    /// Where the OpenID Connect discovery document is fetched. Default: Identity through service discovery,
    /// <c>https+http://identity/.well-known/openid-configuration</c>.
    /// </summary>
    [Required]
    public string MetadataAddress { get; set; } = "https+http://identity/.well-known/openid-configuration";

    /// <summary>Tolerated clock difference for <c>exp</c> and <c>nbf</c>. Default: 30 s.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Shortest time between two refreshes of the signing keys when a token names an unknown key. Default: 30 s.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);
}
