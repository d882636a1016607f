using System.Text;
using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Authentication.EdgeTrust;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Edge.Authentication;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace AgentCore.Gateway.Edge.Authorization;

/// <summary>
/// On every proxied request: drops identity headers and API keys the client sent, adds the authenticated caller's
/// tenant, client, subject and scopes, and signs them with the request id so backends can tell the Edge sent them.
/// The bearer token itself travels on unchanged.
/// </summary>
internal sealed class TrustedHeadersTransformProvider(IOptions<EdgeTrustOptions> trust, TimeProvider time) : ITransformProvider
{
    private readonly byte[] key = Encoding.UTF8.GetBytes(trust.Value.Key);

    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context) => context.AddRequestTransform(Sign);

    private ValueTask Sign(RequestTransformContext context)
    {
        var headers = context.ProxyRequest.Headers;
        foreach (var header in context.HttpContext.Request.Headers)
        {
            if (header.Key.StartsWith(GatewayHeaders.TrustedPrefix, StringComparison.OrdinalIgnoreCase))
            {
                headers.Remove(header.Key);
            }
        }

        headers.Remove(ApiKeys.Header);

        var caller = (context.HttpContext.User.Identity as GatewayIdentity)?.Caller;
        if (caller is not null)
        {
            headers.TryAddWithoutValidation(GatewayHeaders.TenantId, caller.TenantId);
            headers.TryAddWithoutValidation(GatewayHeaders.ClientId, caller.ClientId);
            headers.TryAddWithoutValidation(GatewayHeaders.Subject, caller.Subject);
            headers.TryAddWithoutValidation(GatewayHeaders.Scopes, caller.Scopes);
        }

        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var request = context.HttpContext.Request;
        headers.TryAddWithoutValidation(GatewayHeaders.Timestamp, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        headers.TryAddWithoutValidation(
            GatewayHeaders.Signature,
            EdgeSignature.Compute(key, request.Method, request.Path.Value ?? string.Empty, context.HttpContext.TraceIdentifier, timestamp, caller));
        return ValueTask.CompletedTask;
    }
}
