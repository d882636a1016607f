using System.Collections.Frozen;
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
internal sealed class TrustedHeadersTransformProvider(IOptions<EdgeTrustOptions> trust, TimeProvider time) : ITransformProvider
{
    /// <summary>
    /// Headers by which a client might pose as a proxy (the Edge states the client's address itself), and the API key,
    /// which stays at the Edge.
    /// </summary>
    private static readonly FrozenSet<string> DroppedHeaders = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "Forwarded", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Prefix", "X-Real-IP", ApiKeys.Header);

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
        context.AddRequestTransform(Sign);
    }

    private ValueTask Sign(RequestTransformContext context)
    {
        var http = context.HttpContext;
        var headers = context.ProxyRequest.Headers;

        // YARP copied every header the client sent; only those sent can need dropping, and no transform adds them.
        foreach (var header in http.Request.Headers)
        {
            if (header.Key.StartsWith(GatewayHeaders.TrustedPrefix, StringComparison.OrdinalIgnoreCase) || DroppedHeaders.Contains(header.Key))
            {
                headers.Remove(header.Key);
            }
        }

        if (http.Features.Get<QueryAccessToken>() is { } queryToken)
        {
            context.Query.Collection.Remove(BearerCredentials.QueryParameter);
            headers.Remove("Authorization");
            headers.TryAddWithoutValidation("Authorization", "Bearer " + queryToken.Token);
        }

        // The body was read once and digested in memory before YARP forwards it (RequestBodyBufferingMiddleware).
        var digest = string.Empty;
        if (EdgeSignature.HasBodyToSign(http))
        {
            digest = http.Features.Get<BufferedRequestBody>()?.Digest
                ?? throw new InvalidOperationException("A proxied body must be buffered and digested before it is signed.");
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
        return ValueTask.CompletedTask;
    }
}
