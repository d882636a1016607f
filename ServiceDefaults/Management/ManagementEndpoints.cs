using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.ServiceDefaults.Management;

/// <summary>
/// Keeps probes and metrics off the public port: with a <see cref="ManagementOptions.Port"/>, a management path
/// anywhere else, or any other path on the management port, is 404 <c>NOT_FOUND</c>, as if it did not exist.
/// </summary>
public static class ManagementEndpoints
{
    /// <summary>The paths of the management endpoint.</summary>
    public static readonly PathString[] Paths = ["/health", "/ready", "/alive", "/metrics"];

    public static bool IsManagementPath(PathString path) => Paths.Any(candidate => path.StartsWithSegments(candidate));

    /// <summary>True when the request arrived on the configured management port.</summary>
    public static bool IsManagementRequest(this HttpContext context) =>
        context.IsManagementRequest(context.RequestServices.GetRequiredService<IOptions<ManagementOptions>>().Value);

    /// <summary>True when the request arrived on <paramref name="options"/>' management port (for code that must not touch the request's services).</summary>
    public static bool IsManagementRequest(this HttpContext context, ManagementOptions options) =>
        options.Port is { } port && context.Connection.LocalPort == port;

    internal sealed class PortMiddleware(RequestDelegate next, IOptions<ManagementOptions> options)
    {
        public Task InvokeAsync(HttpContext context)
        {
            if (options.Value.Port is not { } port || (context.Connection.LocalPort == port) == IsManagementPath(context.Request.Path))
            {
                return next(context);
            }

            return ErrorResponses.WriteAsync(context, StatusCodes.Status404NotFound, ErrorCodes.NotFound, ErrorEnvelopeExtensions.DescribeStatus(StatusCodes.Status404NotFound));
        }
    }
}
