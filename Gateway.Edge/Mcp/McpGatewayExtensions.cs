using AgentCore.Gateway.Edge.RateLimiting;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace AgentCore.Gateway.Edge.Mcp;

internal static class McpGatewayExtensions
{
    /// <summary>
    /// The MCP gateway: servers from <c>Mcp:Servers</c>, each a YARP route <c>/mcp/{server}</c> to its cluster, guarded
    /// as an OAuth 2.1 resource server with per-tool policies. Needs the Edge's token validator and rate limiter.
    /// </summary>
    public static IHostApplicationBuilder AddMcpGateway(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<McpGatewayOptions>(McpGatewayOptions.SectionName);
        builder.Services.AddSingleton<IValidateOptions<McpGatewayOptions>, McpRateLimitPoliciesValidation>();
        builder.Services.AddSingleton<McpResources>();
        builder.Services.AddSingleton<McpRateLimits>();
        builder.Services.AddSingleton<IProxyConfigProvider, McpRouteConfigProvider>();
        return builder;
    }

    /// <summary>Right after routing, before the Edge's generic authentication: an MCP route authenticates its own way.</summary>
    public static WebApplication UseMcpGateway(this WebApplication app)
    {
        app.UseMiddleware<McpGatewayMiddleware>();
        return app;
    }

    /// <summary>RFC 9728 metadata of each server, at <c>/.well-known/oauth-protected-resource/mcp/{server}</c>.</summary>
    public static WebApplication MapMcpGateway(this WebApplication app)
    {
        app.MapGet(McpResources.MetadataPathPrefix + McpResources.PathPrefix + "{server}", ProtectedResourceMetadata.Get)
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>Every rate-limit policy an MCP server or tool names must exist, or the Edge does not start.</summary>
    private sealed class McpRateLimitPoliciesValidation(IOptions<RateLimitingOptions> rateLimiting) : IValidateOptions<McpGatewayOptions>
    {
        public ValidateOptionsResult Validate(string? name, McpGatewayOptions options)
        {
            var known = rateLimiting.Value.Policies;
            var unknown = options.Servers
                .SelectMany(server => new[] { server.Value.RateLimitPolicy, server.Value.ToolCallRateLimitPolicy }
                    .Concat(server.Value.Tools.Values.Select(tool => tool.RateLimitPolicy))
                    .OfType<string>()
                    .Where(policy => !known.ContainsKey(policy))
                    .Select(policy => $"Mcp:Servers:{server.Key} names the rate-limit policy '{policy}', which RateLimiting:Policies lacks."))
                .ToList();
            return unknown.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(unknown);
        }
    }
}
