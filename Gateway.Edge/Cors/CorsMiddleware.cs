using System.Collections.Frozen;
using System.Globalization;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Errors;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AgentCore.Gateway.Edge.Cors;

/// <summary>
/// Cross-origin calls from browsers: an allowed origin is echoed exactly (never <c>*</c>, since credentials are
/// allowed) and preflights are answered here; any other origin, <c>null</c> included, is refused with 403 so that
/// even a "simple" cross-site request never reaches a backend. Requests without <c>Origin</c>, and same-origin
/// requests (<see cref="EdgeCorsOptions.PublicOrigins"/>: browsers send <c>Origin</c> on form posts and module
/// scripts of the Edge's own pages too), pass untouched.
/// </summary>
internal sealed class CorsMiddleware(RequestDelegate next, IOptions<EdgeCorsOptions> options)
{
    private readonly FrozenSet<string> origins = options.Value.AllowedOrigins.ToFrozenSet(StringComparer.Ordinal);
    private const string SecFetchSite = "Sec-Fetch-Site";

    private readonly FrozenSet<string> publicOrigins = options.Value.PublicOrigins.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    private readonly FrozenSet<string> methods = options.Value.AllowedMethods.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    private readonly FrozenSet<string> allowedHeaders = options.Value.AllowedHeaders.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    private readonly string methodList = string.Join(", ", options.Value.AllowedMethods);
    private readonly string exposedHeaders = string.Join(", ", options.Value.ExposedHeaders);
    private readonly string maxAge = ((int)options.Value.PreflightMaxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture);

    public Task InvokeAsync(HttpContext context)
    {
        var origin = context.Request.Headers.Origin;
        if (origin.Count == 0)
        {
            return next(context);
        }

        var response = context.Response;
        response.Headers.Append(HeaderNames.Vary, HeaderNames.Origin);
        if (origin.Count == 1 && IsSameOrigin(context.Request, origin[0]!))
        {
            return next(context);
        }

        if (origin.Count != 1 || !origins.Contains(origin[0]!))
        {
            return Refuse(context, "The request's origin is not allowed.");
        }

        var isPreflight = HttpMethods.IsOptions(context.Request.Method)
            && context.Request.Headers.AccessControlRequestMethod.Count > 0;
        response.Headers.AccessControlAllowOrigin = origin;
        response.Headers.AccessControlAllowCredentials = "true";
        if (!isPreflight)
        {
            response.Headers.AccessControlExposeHeaders = exposedHeaders;
            return next(context);
        }

        if (!methods.Contains(context.Request.Headers.AccessControlRequestMethod.ToString()))
        {
            return Refuse(context, "The requested method is not allowed cross-origin.");
        }

        var requested = context.Request.Headers.AccessControlRequestHeaders.ToString()
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!requested.All(allowedHeaders.Contains))
        {
            return Refuse(context, "A requested header is not allowed cross-origin.");
        }

        response.Headers.AccessControlAllowMethods = methodList;
        response.Headers.AccessControlAllowHeaders = string.Join(", ", requested);
        response.Headers.AccessControlMaxAge = maxAge;
        response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    /// <summary>
    /// One of the Edge's own public origins, or <c>null</c> from a page on one: under the Referrer-Policy the Edge sets
    /// (<c>no-referrer</c>) browsers send <c>Origin: null</c> on same-origin form posts. Such a request counts only
    /// when the browser itself says it is same-origin (<c>Sec-Fetch-Site</c>, which no page can set) and it is
    /// addressed to a public origin, which a DNS-rebinding page's request never is. The Host header alone never decides.
    /// </summary>
    private bool IsSameOrigin(HttpRequest request, string origin)
    {
        if (publicOrigins.Contains(origin))
        {
            return true;
        }

        return origin == "null"
            && string.Equals(request.Headers[SecFetchSite], "same-origin", StringComparison.Ordinal)
            && publicOrigins.Contains($"{request.Scheme}://{request.Host.Value}");
    }

    private static Task Refuse(HttpContext context, string message)
    {
        context.Response.Headers.Remove(HeaderNames.AccessControlAllowOrigin);
        context.Response.Headers.Remove(HeaderNames.AccessControlAllowCredentials);
        return ErrorResponses.WriteAsync(context, StatusCodes.Status403Forbidden, ErrorCodes.AuthorizationDenied, message);
    }
}
