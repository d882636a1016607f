namespace AgentCore.Gateway.Contracts;

/// <summary>
/// Where Identity issues tokens: the answers there carry tokens, so the Edge marks them never to be cached, and the public
/// API document names the API path as the OAuth token URL.
/// </summary>
public static class TokenEndpoints
{
    /// <summary>The OAuth 2.1 token endpoint, form-encoded only.</summary>
    public const string OAuthPath = "/connect/token";

    /// <summary>The same endpoint under the public API's prefix, which also takes a JSON body.</summary>
    public const string ApiPath = "/api/v1/auth/token";
}
