using System.Text.Json.Serialization;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Errors;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Edge.Mcp;

/// <summary>RFC 9728 protected-resource metadata of one MCP server.</summary>
internal sealed record ProtectedResourceMetadata(
    [property: JsonPropertyName("resource")] string Resource,
    [property: JsonPropertyName("authorization_servers")] IReadOnlyList<string> AuthorizationServers,
    [property: JsonPropertyName("scopes_supported")] IReadOnlyList<string> ScopesSupported,
    [property: JsonPropertyName("bearer_methods_supported")] IReadOnlyList<string> BearerMethodsSupported,
    [property: JsonPropertyName("resource_name")] string? ResourceName)
{
    /// <summary><c>GET /.well-known/oauth-protected-resource/mcp/{server}</c>: 404 with the envelope for an unknown server.</summary>
    public static IResult Get(string server, IOptions<McpGatewayOptions> options, McpResources resources, HttpContext context)
    {
        if (!options.Value.Servers.TryGetValue(server, out var configured))
        {
            return ErrorResponses.Result(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No MCP server of that name.");
        }

        context.Response.Headers.CacheControl = "public, max-age=3600";
        return TypedResults.Ok(new ProtectedResourceMetadata(
            resources.ResourceOf(server), [resources.AuthorizationServer], configured.Scopes, ["header"], configured.Title ?? server));
    }
}
