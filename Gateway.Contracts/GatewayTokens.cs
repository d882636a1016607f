namespace AgentCore.Gateway.Contracts;

/// <summary>What issuer and validators of the gateway's access tokens agree on.</summary>
public static class GatewayTokens
{
    /// <summary>
    /// Configuration key of the token issuer: the public URL of the Edge (for example <c>http://localhost:8080/</c>).
    /// The AppHost sets it on every service; Identity stamps it into <c>iss</c>, validators require it.
    /// </summary>
    public const string IssuerConfigurationKey = "Gateway:Issuer";

    /// <summary>The <c>aud</c> of every access token for the gateway's API (RFC 9068 resource indicator).</summary>
    public const string Audience = "agentcore-gateway";

    /// <summary>The JOSE <c>typ</c> of access tokens (RFC 9068).</summary>
    public const string AccessTokenType = "at+jwt";
}
