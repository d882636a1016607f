using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Errors;
using AgentCore.Gateway.ServiceDefaults.Management;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace AgentCore.Gateway.Edge.Hosts;

/// <summary>
/// Refuses requests whose <c>Host</c> is not one of <see cref="AllowedHostsOptions.Hosts"/> with 400 and the envelope.
/// The management port is exempt: scrapers and probes name the machine, not the public host.
/// </summary>
internal sealed class AllowedHostsMiddleware(RequestDelegate next, IOptions<AllowedHostsOptions> options)
{
    private readonly StringSegment[] patterns = [.. options.Value.Hosts.Select(host => new StringSegment(host))];

    public Task InvokeAsync(HttpContext context)
    {
        var host = context.Request.Host;
        if ((host.HasValue && HostString.MatchesAny(host.Value, patterns)) || context.IsManagementRequest())
        {
            return next(context);
        }

        return ErrorResponses.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, "The request's Host is not a name of this gateway.");
    }
}
