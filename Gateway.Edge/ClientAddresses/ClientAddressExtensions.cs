using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace AgentCore.Gateway.Edge.ClientAddresses;

internal static class ClientAddressExtensions
{
    /// <summary>
    /// The caller's address, used by rate limits and audit: the connection's peer, or the <c>X-Forwarded-For</c> entry
    /// written by a configured trusted proxy. ASP.NET Core trusts loopback proxies by default; that default is removed.
    /// </summary>
    public static IHostApplicationBuilder AddClientAddresses(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ClientAddressOptions>()
            .Bind(builder.Configuration.GetSection(ClientAddressOptions.SectionName))
            .Validate(options => options.TrustedProxies.All(IsAddressOrNetwork), "ClientAddresses:TrustedProxies holds an entry that is neither an IP address nor a CIDR network.")
            .ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>()
            .Configure<Microsoft.Extensions.Options.IOptions<ClientAddressOptions>>((forwarded, trusted) =>
            {
                forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
                forwarded.KnownProxies.Clear();
                forwarded.KnownIPNetworks.Clear();
                foreach (var entry in trusted.Value.TrustedProxies)
                {
                    if (entry.Contains('/', StringComparison.Ordinal))
                    {
                        forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(entry));
                    }
                    else
                    {
                        forwarded.KnownProxies.Add(IPAddress.Parse(entry));
                    }
                }
            });
        return builder;
    }

    public static WebApplication UseClientAddresses(this WebApplication app)
    {
        // With no known proxy at all, the forwarded-headers middleware believes every peer; so without a trusted proxy
        // it must not run, and the connection's peer stays the caller.
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClientAddressOptions>>().Value.TrustedProxies.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }

    private static bool IsAddressOrNetwork(string entry) =>
        entry.Contains('/', StringComparison.Ordinal) ? System.Net.IPNetwork.TryParse(entry, out _) : IPAddress.TryParse(entry, out _);
}
