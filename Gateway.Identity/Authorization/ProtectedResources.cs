using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Identity.Authorization;

/// <summary>
/// The resources (RFC 8707) tokens may be bound to besides the gateway's API: the <c>Identity:Resources</c> list, each
/// relative to the issuer (<c>mcp/agent-tools</c> is <c>{issuer}mcp/agent-tools</c>, the resource the Edge publishes).
/// </summary>
internal sealed class ProtectedResources(string issuer, IReadOnlyList<string> uris)
{
    public const string SectionName = "Identity:Resources";

    public string Issuer { get; } = issuer;

    public IReadOnlyList<string> Uris { get; } = uris;

    public static ProtectedResources From(IConfiguration configuration, string issuer)
    {
        var resources = configuration.GetSection(SectionName).Get<string[]>() ?? [];
        return new(issuer, [.. resources.Select(resource => Resolve(issuer, resource))]);
    }

    /// <summary>An absolute resource as it is; a relative one under the issuer.</summary>
    public static string Resolve(string issuer, string resource) =>
        Uri.TryCreate(resource, UriKind.Absolute, out _) ? resource : issuer.TrimEnd('/') + "/" + resource.TrimStart('/');

    /// <summary>Whether a token for <paramref name="resource"/> is for the gateway's own API (the default audience).</summary>
    public static bool IsGatewayApi(string resource) => resource == GatewayTokens.Audience;
}
