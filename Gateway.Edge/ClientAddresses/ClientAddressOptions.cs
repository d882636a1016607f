namespace AgentCore.Gateway.Edge.ClientAddresses;

/// <summary>The <c>ClientAddresses</c> configuration section: whose <c>X-Forwarded-For</c> the Edge believes.</summary>
internal sealed class ClientAddressOptions
{
    public const string SectionName = "ClientAddresses";

    /// <summary>
    /// Addresses (<c>10.0.0.5</c>) or networks (<c>10.0.0.0/8</c>) of proxies in front of the Edge whose
    /// <c>X-Forwarded-For</c> is trusted. Default: none, so the caller's address is always the connection's peer and a
    /// spoofed header changes nothing.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];
}
