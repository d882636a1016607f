using Microsoft.AspNetCore.Http;

namespace AgentCore.Gateway.Authentication.EdgeTrust;

/// <summary>Passes on only the requests that came through the Edge (<see cref="EdgeTrustVerifier"/>).</summary>
internal sealed class EdgeTrustMiddleware(RequestDelegate next, EdgeTrustVerifier verifier)
{
    public Task InvokeAsync(HttpContext context) => verifier.IsExempt(context) ? next(context) : VerifyAsync(context);

    private async Task VerifyAsync(HttpContext context)
    {
        if (await verifier.VerifyAsync(context).ConfigureAwait(false))
        {
            await next(context).ConfigureAwait(false);
        }
    }
}
