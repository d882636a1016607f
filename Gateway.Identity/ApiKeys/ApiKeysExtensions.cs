namespace AgentCore.Gateway.Identity.ApiKeys;

internal static class ApiKeysExtensions
{
    /// <summary>API keys stored as hashes in PostgreSQL and published to Redis for the Edge.</summary>
    public static IHostApplicationBuilder AddApiKeys(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiKeyOptions>()
            .Bind(builder.Configuration.GetSection(ApiKeyOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<ApiKeyPublisher>();
        builder.Services.AddHostedService<ApiKeyRepublisher>();
        return builder;
    }
}
