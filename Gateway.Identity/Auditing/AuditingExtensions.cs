using AgentCore.Gateway.Messaging.Auditing;

namespace AgentCore.Gateway.Identity.Auditing;

internal static class AuditingExtensions
{
    /// <summary>The shared audit trail (audit Redis stream) and the token service's way of writing to it.</summary>
    public static IHostApplicationBuilder AddAuthAudit(this IHostApplicationBuilder builder)
    {
        builder.AddAuditTrail();
        builder.Services.AddSingleton<AuthAudit>();
        return builder;
    }
}
