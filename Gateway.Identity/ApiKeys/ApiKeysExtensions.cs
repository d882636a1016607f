using AgentCore.Gateway.ServiceDefaults.OpenApi;
using Microsoft.AspNetCore.OpenApi;

namespace AgentCore.Gateway.Identity.ApiKeys;

internal static class ApiKeysExtensions
{
    /// <summary>API keys stored as hashes in PostgreSQL and published to Redis for the Edge.</summary>
    public static IHostApplicationBuilder AddApiKeys(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<ApiKeyOptions>(ApiKeyOptions.SectionName);
        builder.Services.AddSingleton<ApiKeyPublisher>();
        builder.Services.AddHostedService<ApiKeyRepublisher>();
        builder.Services.Configure<OpenApiOptions>(PublicApiExtensions.DocumentName, options => options.AddSchemaTransformer<ApiKeyRequestSchema>());
        return builder;
    }
}
