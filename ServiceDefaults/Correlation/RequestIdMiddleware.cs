using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AgentCore.Gateway.ServiceDefaults.Correlation;

/// <summary>
/// Gives every request one correlation id: the client's <c>X-Request-ID</c> when it is a UUID, a new one otherwise
/// (<see cref="RequestIds.Assign"/>), and a log scope that carries it into every log line of the request.
/// </summary>
internal sealed class RequestIdMiddleware(RequestDelegate next, ILogger<RequestIdMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        using (RequestIds.BeginLogScope(logger, RequestIds.Assign(context)))
        {
            return next(context);
        }
    }
}
