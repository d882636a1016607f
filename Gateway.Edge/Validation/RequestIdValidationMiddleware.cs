using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Correlation;
using AgentCore.Gateway.ServiceDefaults.Errors;

namespace AgentCore.Gateway.Edge.Validation;

/// <summary>
/// Refuses a client's <c>X-Request-ID</c> that is not one UUID, instead of silently replacing it as the backends do:
/// at the public edge a bad id is a client bug worth reporting. The refusal carries a fresh id of its own.
/// </summary>
internal sealed class RequestIdValidationMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var header = context.Request.Headers[GatewayHeaders.RequestId];
        if (header.Count == 0 || RequestIds.IsValid(header))
        {
            return next(context);
        }

        var requestId = RequestIds.Accept(default);
        context.TraceIdentifier = requestId;
        context.Response.Headers[GatewayHeaders.RequestId] = requestId;
        return ErrorResponses.WriteAsync(
            context,
            StatusCodes.Status400BadRequest,
            ErrorCodes.InvalidRequest,
            "X-Request-ID must be a single UUID.",
            new Dictionary<string, object?> { ["header"] = GatewayHeaders.RequestId });
    }
}
