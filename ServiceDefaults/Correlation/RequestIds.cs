using System.Diagnostics;
using AgentCore.Gateway.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace AgentCore.Gateway.ServiceDefaults.Correlation;

/// <summary>How a correlation id is read from a client and created when the client sent none.</summary>
public static class RequestIds
{
    /// <summary>True when the header holds exactly one value and that value is a UUID.</summary>
    public static bool IsValid(StringValues header) => header.Count == 1 && Guid.TryParse(header[0], out _);

    /// <summary>The client's id when valid, normalised to the canonical lower-case form; a new UUID otherwise.</summary>
    public static string Accept(StringValues header) =>
        header.Count == 1 && Guid.TryParse(header[0], out var id) ? id.ToString("D") : Guid.NewGuid().ToString("D");

    /// <summary>
    /// Gives the request its correlation id (<see cref="Accept"/>): its <see cref="HttpContext.TraceIdentifier"/>, a tag of
    /// the current trace, a response header, and the request header that proxies and HttpClients forward.
    /// </summary>
    public static string Assign(HttpContext context)
    {
        var requestId = Accept(context.Request.Headers[GatewayHeaders.RequestId]);
        context.TraceIdentifier = requestId;
        context.Request.Headers[GatewayHeaders.RequestId] = requestId;
        if (Activity.Current is { IsAllDataRequested: true } activity)
        {
            activity.SetTag("request.id", requestId);
        }

        // The context is the state (nothing boxed per request); the id is its TraceIdentifier, set above.
        context.Response.OnStarting(static state =>
        {
            var httpContext = (HttpContext)state;
            httpContext.Response.Headers[GatewayHeaders.RequestId] = httpContext.TraceIdentifier;
            return Task.CompletedTask;
        }, context);
        return requestId;
    }

    /// <summary>The log scope that gives every log line written inside it the request's id.</summary>
    public static IDisposable? BeginLogScope(ILogger logger, string requestId) =>
        logger.BeginScope(new KeyValuePair<string, object>[] { new("RequestId", requestId) });
}
