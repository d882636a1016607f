using AgentCore.Gateway.ServiceDefaults.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentCore.Gateway.Messaging.Auditing;

public static class AuditTrailExtensions
{
    /// <summary>
    /// <see cref="IAuditTrail"/>, writing to the audit Redis stream in the background. Needs
    /// <see cref="RedisExtensions.AddGatewayRedis{TBuilder}"/>.
    /// </summary>
    public static TBuilder AddAuditTrail<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.AddValidatedOptions<AuditTrailOptions>(AuditTrailOptions.SectionName);
        builder.Services.AddSingleton<RedisAuditTrail>();
        builder.Services.AddSingleton<IAuditTrail>(services => services.GetRequiredService<RedisAuditTrail>());
        builder.Services.AddHostedService(services => services.GetRequiredService<RedisAuditTrail>());
        return builder;
    }
}
