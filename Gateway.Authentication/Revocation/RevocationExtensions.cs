using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace AgentCore.Gateway.Authentication.Revocation;

public static class RevocationExtensions
{
    /// <summary>The local <see cref="RevocationList"/>, fed from Redis by a background listener. Needs <c>AddGatewayRedis</c>.</summary>
    public static TBuilder AddRevocationList<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.TryAddSingleton<RevocationList>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RevocationListener>());
        return builder;
    }
}
