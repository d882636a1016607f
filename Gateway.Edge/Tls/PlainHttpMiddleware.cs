using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Errors;
using AgentCore.Gateway.ServiceDefaults.Management;
using Microsoft.AspNetCore.Http.Extensions;

namespace AgentCore.Gateway.Edge.Tls;

/// <summary>
/// Outside Development, a request that arrived over plain HTTP is redirected to HTTPS (308 keeps the method and body)
/// or refused. Probes and scrapers inside the network keep plain HTTP: the management port, and the management paths
/// where no management port is configured.
/// </summary>
internal sealed class PlainHttpMiddleware(RequestDelegate next, PlainHttpMiddleware.Settings settings)
{
    /// <summary>The policy in force, and the public HTTPS port that redirects name (none: the standard 443).</summary>
    internal sealed record Settings(PlainHttpPolicy Policy, int? HttpsPort);

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.IsHttps || context.IsManagementRequest() || ManagementEndpoints.IsManagementPath(context.Request.Path))
        {
            return next(context);
        }

        if (settings.Policy == PlainHttpPolicy.Refuse)
        {
            return ErrorResponses.WriteAsync(
                context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, "This endpoint is served over HTTPS only.");
        }

        var request = context.Request;
        var host = settings.HttpsPort is { } port and not 443 ? new HostString(request.Host.Host, port) : new HostString(request.Host.Host);
        context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
        context.Response.Headers.Location = UriHelper.BuildAbsolute("https", host, request.PathBase, request.Path, request.QueryString);
        return Task.CompletedTask;
    }
}
