using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Edge.Cors;

internal static class CorsExtensions
{
    public static IHostApplicationBuilder AddEdgeCors(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<EdgeCorsOptions>(EdgeCorsOptions.SectionName)
            .Configure(cors =>
            {
                var fromEnvironment = builder.Configuration[EdgeCorsOptions.EnvironmentVariable] ?? string.Empty;
                foreach (var origin in fromEnvironment.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    cors.AllowedOrigins.Add(origin);
                }

                if (Uri.TryCreate(builder.Configuration[GatewayTokens.IssuerConfigurationKey], UriKind.Absolute, out var issuer)
                    && !cors.PublicOrigins.Contains(issuer.GetLeftPart(UriPartial.Authority)))
                {
                    cors.PublicOrigins.Add(issuer.GetLeftPart(UriPartial.Authority));
                }
            });
        return builder;
    }

    /// <summary>Before authentication: preflights carry no credentials and must be answered without them.</summary>
    public static WebApplication UseEdgeCors(this WebApplication app)
    {
        app.UseMiddleware<CorsMiddleware>();
        return app;
    }
}
