using AgentCore.Gateway.Realtime.Connections;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

internal static class ConnectionsExtensions
{
    /// <summary>The one <see cref="ConnectionClock"/> that every connection's heartbeats and token expiry run on.</summary>
    public static TBuilder AddConnectionClock<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddValidatedOptions<ConnectionClockOptions>(ConnectionClockOptions.SectionName);
        builder.Services.TryAddSingleton<ConnectionClock>();
        return builder;
    }
}
