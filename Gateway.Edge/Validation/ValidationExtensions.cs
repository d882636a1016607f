namespace AgentCore.Gateway.Edge.Validation;

internal static class ValidationExtensions
{
    /// <summary>Kestrel's switch that makes it refuse HTTP/1 lines ended by a bare LF, which it otherwise accepts.</summary>
    private const string RefuseBareLineFeedsSwitch = "Microsoft.AspNetCore.Server.Kestrel.DisableHttp1LineFeedTerminators";

    /// <summary>
    /// The validation options, and Kestrel told to refuse bare-LF line endings with 400 (a proxy in front that reads
    /// them differently could otherwise smuggle a request past the Edge). The switch is process-wide and is read when
    /// the server starts.
    /// </summary>
    public static IHostApplicationBuilder AddEdgeRequestValidation(this IHostApplicationBuilder builder)
    {
        AppContext.SetSwitch(RefuseBareLineFeedsSwitch, true);
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

    /// <summary>A proxied request's body, read once into memory and digested; after admission, before the checks that read it.</summary>
    public static WebApplication UseRequestBodyBuffering(this WebApplication app)
    {
        app.UseMiddleware<RequestBodyBufferingMiddleware>();
        return app;
    }

    /// <summary>Content type and JSON checks; after routing, because they depend on the route.</summary>
    public static WebApplication UseJsonBodyValidation(this WebApplication app)
    {
        app.UseMiddleware<JsonBodyValidationMiddleware>();
        return app;
    }
}
