using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Edge.Admission;

internal static class AdmissionExtensions
{
    /// <summary>
    /// The one pass that admits requests (<see cref="AdmissionMiddleware"/>): authentication, the routes' scopes and
    /// rate limits. Needs the Edge's authentication, authorization and rate-limiting services.
    /// </summary>
    public static IHostApplicationBuilder AddEdgeAdmission(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RouteAdmissions>();
        builder.Services.AddSingleton<AdmissionMetrics>();
        return builder;
    }

    /// <summary>
    /// After routing (admission depends on the endpoint). It enforces the endpoints' authorization metadata itself, in
    /// place of ASP.NET Core's authorization middleware, whose absence the endpoint middleware would otherwise treat as
    /// a configuration error; that check is turned off together with putting admission in the pipeline.
    /// </summary>
    public static WebApplication UseEdgeAdmission(this WebApplication app)
    {
        app.Services.GetRequiredService<IOptions<RouteOptions>>().Value.SuppressCheckForUnhandledSecurityMetadata = true;

        // YARP registers ASP.NET Core's authorization services, and a WebApplication that never calls UseAuthorization
        // runs that middleware anyway, ahead of routing, where it only costs time; this is the mark UseAuthorization
        // leaves. Were the mark to change, that middleware would run again there and still see no endpoint to judge.
        ((IApplicationBuilder)app).Properties[AuthorizationMiddlewareSetKey] = true;
        app.UseMiddleware<AdmissionMiddleware>();
        return app;
    }

    private const string AuthorizationMiddlewareSetKey = "__AuthorizationMiddlewareSet";
}
