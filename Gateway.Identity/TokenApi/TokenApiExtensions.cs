using AgentCore.Gateway.ServiceDefaults.OpenApi;
using Microsoft.AspNetCore.OpenApi;

namespace AgentCore.Gateway.Identity.TokenApi;

internal static class TokenApiExtensions
{
    public static IHostApplicationBuilder AddTokenApi(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<TokenEndpointOptions>(TokenEndpointOptions.SectionName);
        builder.Services.Configure<OpenApiOptions>(PublicApiExtensions.DocumentName, options => options.AddSchemaTransformer(TokenApiDocumentation.DescribeAsync));
        return builder;
    }

    /// <summary>Body limits, JSON bodies and the error envelope for the token endpoints; before rate limiting and OpenIddict.</summary>
    public static WebApplication UseTokenApi(this WebApplication app)
    {
        app.UseMiddleware<TokenRequestMiddleware>();
        return app;
    }
}
