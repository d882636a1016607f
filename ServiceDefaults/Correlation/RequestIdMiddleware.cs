using System.Diagnostics;
using AgentCore.Gateway.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AgentCore.Gateway.ServiceDefaults.Correlation;

/// <summary>
/// Gives every request one correlation id: the client's <c>X-Request-ID</c> when it is a UUID, a new one otherwise.
/// The id becomes the request's <see cref="HttpContext.TraceIdentifier"/> (so every log line of the request carries it),
/// a tag of the current trace, a response header, and the request header that proxies and HttpClients forward.
/// </summary>
internal sealed class RequestIdMiddleware(RequestDelegate next, ILogger<RequestIdMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var requestId = RequestIds.Accept(context.Request.Headers[GatewayHeaders.RequestId]);

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

        using (logger.BeginScope(new KeyValuePair<string, object>[] { new("RequestId", requestId) }))
        {
            return next(context);
        }
    }
}
