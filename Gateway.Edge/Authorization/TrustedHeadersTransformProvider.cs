using System.Text;
using AgentCore.Gateway.Authentication.AccessTokens;
using AgentCore.Gateway.Authentication.EdgeTrust;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Edge.Authentication;
using AgentCore.Gateway.Edge.Validation;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace AgentCore.Gateway.Edge.Authorization;

/// <summary>
/// On every proxied request: drops identity, forwarding and API-key headers the client sent, moves a query token
/// into the <c>Authorization</c> header, adds the authenticated caller's tenant, client, subject and scopes and the
/// client's address, and signs them together with the method, path, query, request id and the body's digest, so that
/// backends can tell the Edge sent exactly this request. The bearer token itself travels on unchanged.
/// </summary>
internal sealed class TrustedHeadersTransformProvider(
    IOptions<EdgeTrustOptions> trust,
    IOptions<RequestValidationOptions> validation,
    TimeProvider time) : ITransformProvider
{
    /// <summary>Headers by which a client might pose as a proxy; the Edge states the client's address itself.</summary>
    private static readonly string[] ForwardingHeaders = ["Forwarded", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Prefix", "X-Real-IP"];

    private readonly byte[] key = Encoding.UTF8.GetBytes(trust.Value.Key);

    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        // YARP's own X-Forwarded-* would be added after this transform, unsigned; the Edge writes the address itself.
        context.UseDefaultForwarders = false;
        context.AddRequestTransform(SignAsync);
    }

    private async ValueTask SignAsync(RequestTransformContext context)
    {
        var http = context.HttpContext;
        var headers = context.ProxyRequest.Headers;
        foreach (var header in http.Request.Headers)
        {
            if (header.Key.StartsWith(GatewayHeaders.TrustedPrefix, StringComparison.OrdinalIgnoreCase))
            {
                headers.Remove(header.Key);
            }
        }

        foreach (var header in ForwardingHeaders)
        {
            headers.Remove(header);
        }

        headers.Remove(ApiKeys.Header);

        if (http.Features.Get<QueryAccessToken>() is { } queryToken)
        {
            context.Query.Collection.Remove(BearerCredentials.QueryParameter);
            headers.Remove("Authorization");
            headers.TryAddWithoutValidation("Authorization", "Bearer " + queryToken.Token);
        }

        var digest = string.Empty;
        if (EdgeSignature.HasBodyToSign(http))
        {
            // The body is at most RequestValidation:MaxBodySize (1 MiB) here; it is buffered in memory, hashed and rewound for YARP.
            http.Request.EnableBuffering(bufferThreshold: (int)Math.Min(validation.Value.MaxBodySize, int.MaxValue));
            digest = await EdgeSignature.DigestAsync(http.Request.Body, validation.Value.MaxBodySize, http.RequestAborted).ConfigureAwait(false) ?? string.Empty;
            http.Request.Body.Position = 0;
        }

        var signed = new EdgeSignedRequest(
            http.Request.Method,
            context.Path.Value ?? string.Empty,
            context.Query.QueryString.Value,
            http.TraceIdentifier,
            time.GetUtcNow().ToUnixTimeSeconds(),
            (http.User.Identity as GatewayIdentity)?.Caller,
            http.Connection.RemoteIpAddress?.ToString() ?? string.Empty,
            digest);
        EdgeSigningHandler.WriteHeaders(headers, key, signed);
    }
}
