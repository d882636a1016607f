using System.Globalization;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AgentCore.Gateway.Edge.Headers;

/// <summary>
/// Shapes every response just before it starts, whoever produced it (the Edge or a backend): removes version
/// banners, adds the browser protections, and forbids caching of token responses.
/// </summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next, IOptions<SecurityHeadersOptions> options)
{
    private static readonly string[] Banners = [HeaderNames.Server, "X-Powered-By", "X-AspNet-Version", "X-AspNetMvc-Version"];

    private readonly string hsts = "max-age=" + ((long)options.Value.HstsMaxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "; includeSubDomains";
    private readonly string referrerPolicy = options.Value.ReferrerPolicy;
    private readonly string[] noStorePaths = [.. options.Value.NoStorePaths];

    /// <summary>This middleware's callback, made once: per request only the context is passed, nothing is boxed.</summary>
    private Func<object, Task>? apply;

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(apply ??= state => Apply((HttpContext)state), context);
        return next(context);
    }

    private Task Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        foreach (var banner in Banners)
        {
            headers.Remove(banner);
        }

        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = referrerPolicy;
        if (!headers.ContainsKey(HeaderNames.ContentSecurityPolicy))
        {
            headers.ContentSecurityPolicy = "frame-ancestors 'none'";
        }

        if (context.Request.IsHttps)
        {
            headers.StrictTransportSecurity = hsts;
        }

        foreach (var path in noStorePaths)
        {
            if (context.Request.Path.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase))
            {
                headers.CacheControl = "no-store";
                headers.Pragma = "no-cache";
                break;
            }
        }

        return Task.CompletedTask;
    }
}
