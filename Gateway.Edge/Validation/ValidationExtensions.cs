namespace AgentCore.Gateway.Edge.Validation;

internal static class ValidationExtensions
{
    public static IHostApplicationBuilder AddEdgeRequestValidation(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<RequestValidationOptions>(RequestValidationOptions.SectionName);
        return builder;
    }

    /// <summary>Runs before request correlation, which would otherwise replace a malformed <c>X-Request-ID</c>.</summary>
    public static WebApplication UseRequestIdValidation(this WebApplication app)
    {
        app.UseMiddleware<RequestIdValidationMiddleware>();
        return app;
    }

    /// <summary>Framing, target and size checks, before routing.</summary>
    public static WebApplication UseRequestFramingValidation(this WebApplication app)
    {
        app.UseMiddleware<RequestFramingMiddleware>();
        return app;
    }

    /// <summary>Content type and JSON checks; after routing, because they depend on the route.</summary>
    public static WebApplication UseJsonBodyValidation(this WebApplication app)
    {
        app.UseMiddleware<JsonBodyValidationMiddleware>();
        return app;
    }
}
