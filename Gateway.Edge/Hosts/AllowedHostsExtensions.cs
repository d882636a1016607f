using AgentCore.Gateway.Contracts;
using Microsoft.AspNetCore.HostFiltering;

namespace AgentCore.Gateway.Edge.Hosts;

internal static class AllowedHostsExtensions
{
    private static readonly string[] DevelopmentHosts = ["localhost", "127.0.0.1", "[::1]"];

    /// <summary>
    /// <see cref="AllowedHostsOptions"/> from <c>AllowedHosts</c>, or from the issuer (see there). The framework's own
    /// host filter, which reads the same setting, is opened: it answers before the pipeline, without the envelope.
    /// </summary>
    public static IHostApplicationBuilder AddAllowedHosts(this IHostApplicationBuilder builder)
    {
        var configured = (builder.Configuration[AllowedHostsOptions.ConfigurationKey] ?? string.Empty)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var hosts = configured.Length > 0 ? configured : DefaultHosts(builder);
        builder.Services.AddOptions<AllowedHostsOptions>()
            .Configure(options => options.Hosts = hosts)
            .Validate(options => options.Hosts.Count > 0, $"Configure {AllowedHostsOptions.ConfigurationKey} (the public host names) or {GatewayTokens.IssuerConfigurationKey}.")
            .ValidateOnStart();
        builder.Services.PostConfigure<HostFilteringOptions>(framework => framework.AllowedHosts = ["*"]);
        return builder;
    }

    /// <summary>After <c>UseServiceDefaults</c>, so that refusals carry the request id and the envelope.</summary>
    public static WebApplication UseAllowedHosts(this WebApplication app)
    {
        app.UseMiddleware<AllowedHostsMiddleware>();
        return app;
    }

    private static string[] DefaultHosts(IHostApplicationBuilder builder)
    {
        var issuer = Uri.TryCreate(builder.Configuration[GatewayTokens.IssuerConfigurationKey], UriKind.Absolute, out var uri) ? [uri.Host] : Array.Empty<string>();
        return builder.Environment.IsDevelopment() ? [.. issuer, .. DevelopmentHosts] : issuer;
    }
}
