using AgentCore.Gateway.Contracts;
using Microsoft.AspNetCore.Http;

namespace AgentCore.Gateway.ServiceDefaults.Correlation;

/// <summary>Forwards the current request's correlation id on every outgoing HttpClient call made while serving it.</summary>
internal sealed class RequestIdForwardingHandler(IHttpContextAccessor accessor) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (accessor.HttpContext is { } context && !request.Headers.Contains(GatewayHeaders.RequestId))
        {
            request.Headers.TryAddWithoutValidation(GatewayHeaders.RequestId, context.TraceIdentifier);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
