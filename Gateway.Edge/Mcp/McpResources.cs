using AgentCore.Gateway.Contracts;
using Yarp.ReverseProxy.Model;

namespace AgentCore.Gateway.Edge.Mcp;

/// <summary>
/// The names by which the outside knows an MCP server behind the Edge: its resource URI (<c>{issuer}mcp/{server}</c>, the
/// audience its tokens carry, RFC 8707) and the address of its protected-resource metadata (RFC 9728).
/// </summary>
internal sealed class McpResources(IConfiguration configuration)
{
    /// <summary>The YARP route metadata key naming the MCP server a route publishes.</summary>
    public const string ServerMetadataKey = "Edge.McpServer";

    public const string PathPrefix = "/mcp/";

    public const string MetadataPathPrefix = "/.well-known/oauth-protected-resource";

    private readonly string issuer = (configuration[GatewayTokens.IssuerConfigurationKey]
        ?? throw new InvalidOperationException($"The token issuer is not configured ({GatewayTokens.IssuerConfigurationKey}).")).TrimEnd('/');

    /// <summary>The authorization server, exactly as it names itself (<c>iss</c>).</summary>
    public string AuthorizationServer => issuer + "/";

    public string ResourceOf(string server) => issuer + PathPrefix + server;

    /// <summary>RFC 9728 section 3.1: the well-known path inserted before the resource's path.</summary>
    public string MetadataAddressOf(string server) => issuer + MetadataPathPrefix + PathPrefix + server;

    /// <summary>The MCP server the matched route publishes; null on every other route.</summary>
    public static string? ServerOf(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.Metadata is { } metadata
        && metadata.TryGetValue(ServerMetadataKey, out var server) ? server : null;
}
