using Scalar.AspNetCore;

namespace AgentCore.Gateway.Edge.OpenApi;

/// <summary>
/// In front of the Scalar portal: sends <c>/docs</c> to <c>/docs/</c> (the page names its assets relative to itself,
/// which resolves under the folder only with the slash; routing cannot tell the two apart), and sets the portal's
/// Content-Security-Policy: scripts only from the Edge itself, plus the page's own module script by the nonce Scalar
/// draws for each request; requests ("try it", the OpenAPI document, tokens) only to the Edge. Styles may be inline
/// because Scalar's components set them at run time; that is the one allowance.
/// </summary>
internal sealed class PortalMiddleware(RequestDelegate next)
{
    private const string Policy =
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
        "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; script-src 'self'";

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.Equals(OpenApiExtensions.PortalPath, StringComparison.OrdinalIgnoreCase) && HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.Redirect(context.Request.PathBase + OpenApiExtensions.PortalPath + "/" + context.Request.QueryString, permanent: true);
            return Task.CompletedTask;
        }

        context.Response.OnStarting(
            static state =>
            {
                var httpContext = (HttpContext)state;
                httpContext.Response.Headers.ContentSecurityPolicy =
                    httpContext.Items.TryGetValue(ScalarOptions.NonceHttpContextItemKey, out var nonce) && nonce is string value
                        ? $"{Policy} 'nonce-{value}'"
                        : Policy;
                return Task.CompletedTask;
            },
            context);
        return next(context);
    }
}
