using System.Globalization;
using System.Net.Http.Headers;
using AgentCore.Gateway.Contracts;
using Microsoft.AspNetCore.HttpOverrides;

namespace AgentCore.Gateway.Authentication.EdgeTrust;

/// <summary>
/// Signs outgoing requests as the Edge does, for calls one gateway service makes to another (the token validators
/// reading Identity's signing keys), which the callee accepts only signed. The caller, when given, is vouched for.
/// </summary>
public sealed class EdgeSigningHandler(byte[] key, TimeProvider time, Func<EdgeCaller?> caller) : DelegatingHandler
{
    public EdgeSigningHandler(byte[] key, TimeProvider time, EdgeCaller? caller = null)
        : this(key, time, () => caller)
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Headers.TryGetValues(GatewayHeaders.RequestId, out var ids) || ids.FirstOrDefault() is not { Length: > 0 } requestId)
        {
            requestId = Guid.NewGuid().ToString("D");
            request.Headers.Remove(GatewayHeaders.RequestId);
            request.Headers.TryAddWithoutValidation(GatewayHeaders.RequestId, requestId);
        }

        var digest = string.Empty;
        if (request.Content is { } content)
        {
            await content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            var body = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            digest = await EdgeSignature.DigestAsync(body, long.MaxValue, cancellationToken).ConfigureAwait(false) ?? string.Empty;
        }

        var target = request.RequestUri ?? throw new InvalidOperationException("The request has no address.");
        var signed = new EdgeSignedRequest(
            request.Method.Method,
            Uri.UnescapeDataString(target.AbsolutePath),
            target.Query,
            requestId,
            time.GetUtcNow().ToUnixTimeSeconds(),
            caller(),
            ForwardedFor: string.Empty,
            digest);
        WriteHeaders(request.Headers, key, signed);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes what the Edge vouches for onto an outgoing request: the caller's trusted headers, the client address,
    /// the timestamp and the signature over <paramref name="covered"/>. The request id must already be on it.
    /// </summary>
    public static void WriteHeaders(HttpRequestHeaders headers, ReadOnlySpan<byte> key, EdgeSignedRequest covered)
    {
        if (covered.Caller is { } vouched)
        {
            headers.TryAddWithoutValidation(GatewayHeaders.TenantId, vouched.TenantId);
            headers.TryAddWithoutValidation(GatewayHeaders.ClientId, vouched.ClientId);
            headers.TryAddWithoutValidation(GatewayHeaders.Subject, vouched.Subject);
            headers.TryAddWithoutValidation(GatewayHeaders.Scopes, vouched.Scopes);
            if (vouched.Actors.Length > 0)
            {
                headers.TryAddWithoutValidation(GatewayHeaders.Actors, vouched.Actors);
            }
        }

        if (covered.ForwardedFor.Length > 0)
        {
            headers.TryAddWithoutValidation(ForwardedHeadersDefaults.XForwardedForHeaderName, covered.ForwardedFor);
        }

        headers.TryAddWithoutValidation(GatewayHeaders.Timestamp, covered.Timestamp.ToString(CultureInfo.InvariantCulture));
        headers.TryAddWithoutValidation(GatewayHeaders.Signature, EdgeSignature.Compute(key, covered));
    }
}
