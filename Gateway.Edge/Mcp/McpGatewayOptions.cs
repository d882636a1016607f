using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace AgentCore.Gateway.Edge.Mcp;

/// <summary>
/// The <c>Mcp</c> section: the MCP servers the Edge publishes at <c>/mcp/{server}</c>, each an OAuth 2.1 resource server
/// (RFC 9728) whose tokens must name it as audience (RFC 8707), with a policy per tool. Default: no servers.
/// </summary>
internal sealed partial class McpGatewayOptions : IValidatableObject
{
    public const string SectionName = "Mcp";

    public Dictionary<string, McpServerOptions> Servers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The largest JSON-RPC body accepted; a larger one gets 413. Default: 256 KiB.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 256 * 1024;

    /// <summary>The most messages in one JSON-RPC batch; 0 refuses batches. Default: 10.</summary>
    [Range(0, 100)]
    public int MaxBatchSize { get; set; } = 10;

    /// <summary>The largest <c>arguments</c> object of one <c>tools/call</c>, as JSON. Default: 64 KiB.</summary>
    [Range(64, 1024 * 1024)]
    public int MaxArgumentBytes { get; set; } = 64 * 1024;

    /// <summary>The deepest nesting of objects and arrays in <c>arguments</c>. Default: 8.</summary>
    [Range(1, 64)]
    public int MaxArgumentDepth { get; set; } = 8;

    /// <summary>The most members of the <c>arguments</c> object. Default: 32.</summary>
    [Range(1, 1000)]
    public int MaxArguments { get; set; } = 32;

    /// <summary>
    /// The largest answer of an MCP server to a request the Edge inspects (filters, audits, maps errors of); a larger one
    /// is refused with a JSON-RPC error. Default: 4 MiB.
    /// </summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxResponseBytes { get; set; } = 4 * 1024 * 1024;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, server) in Servers)
        {
            if (!ServerName().IsMatch(name))
            {
                yield return new ValidationResult($"Mcp:Servers:{name}: a server name is lower-case letters, digits and dashes.");
            }

            if (string.IsNullOrWhiteSpace(server.Cluster))
            {
                yield return new ValidationResult($"Mcp:Servers:{name}:Cluster names the YARP cluster of the server.");
            }

            if (server.Timeout <= TimeSpan.Zero)
            {
                yield return new ValidationResult($"Mcp:Servers:{name}:Timeout must be positive.");
            }
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex ServerName();
}

/// <summary>One MCP server behind the Edge.</summary>
internal sealed class McpServerOptions
{
    /// <summary>The YARP cluster (in <c>ReverseProxy:Clusters</c>) that serves it, with its health checks and breaker. Required.</summary>
    public string Cluster { get; set; } = string.Empty;

    /// <summary>The path of the server at its upstream. Default: the Edge's own, <c>/mcp/{server}</c>.</summary>
    public string? UpstreamPath { get; set; }

    /// <summary>A human-readable name, published as <c>resource_name</c> in its metadata.</summary>
    public string? Title { get; set; }

    /// <summary>The scopes published in <c>scopes_supported</c> and asked for in a 401's <c>scope</c>. Default: none.</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary>The rate-limit policy of every request to the server (per caller). Default: <c>standard</c>.</summary>
    public string RateLimitPolicy { get; set; } = "standard";

    /// <summary>
    /// The rate-limit policy counted by every <c>tools/call</c>, whatever the tool: partitioned by client, it is a limit
    /// per agent. Default: none.
    /// </summary>
    public string? ToolCallRateLimitPolicy { get; set; }

    /// <summary>How long the upstream has to answer; then 504, as a JSON-RPC error. Default: 30 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The tools a caller may be allowed to call, by name. A tool not listed is unknown: never listed, never called.</summary>
    public Dictionary<string, McpToolPolicy> Tools { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Who may call one tool. Every condition given must hold; an empty list sets none.</summary>
internal sealed class McpToolPolicy
{
    /// <summary>Scopes the token must all carry.</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary>Roles of which the caller must have at least one.</summary>
    public List<string> Roles { get; set; } = [];

    /// <summary>Tenants the caller must belong to one of.</summary>
    public List<string> Tenants { get; set; } = [];

    /// <summary>The rate-limit policy counted by calls of this tool (a policy of its own counts this tool alone). Default: none.</summary>
    public string? RateLimitPolicy { get; set; }
}
