using System.Globalization;
using System.Net;
using System.Text;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Authentication.EdgeTrust;

/// <summary>
/// Refuses every request a backend did not receive through the Edge: the signature must verify and be fresh, over
/// the method, path, query, trusted headers, client address and body. A verified request exposes its caller through
/// <c>HttpContext.GetEdgeCaller()</c>, and its client address (the one the Edge vouched for) as the connection's remote
/// address. The body is read once to check its digest and then rewound; it is at most <see cref="EdgeTrustOptions.MaxBodySize"/>.
/// The check of <see cref="EdgeTrustExtensions.UseEdgeTrust"/>, and of code that answers requests before it.
/// </summary>
public sealed partial class EdgeTrustVerifier(
    IOptions<EdgeTrustOptions> options,
    TimeProvider time,
    ILogger<EdgeTrustVerifier> logger)
{
    private readonly byte[] key = Encoding.UTF8.GetBytes(options.Value.Key);

    /// <summary>True for the paths that need no signature (<see cref="EdgeTrustOptions.ExemptPaths"/>).</summary>
    public bool IsExempt(HttpContext context)
    {
        var path = context.Request.Path;
        return options.Value.ExemptPaths.Any(exempt => path.StartsWithSegments(exempt, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// True when the request came through the Edge (its caller and client address are then set on the context) or
    /// needs no signature; false when it did not, after writing the 401 <c>AUTHENTICATION_FAILED</c> refusal.
    /// </summary>
    public async Task<bool> VerifyAsync(HttpContext context)
    {
        if (IsExempt(context))
        {
            return true;
        }

        var verified = await TryVerifyAsync(context, options.Value).ConfigureAwait(false);
        if (verified is null)
        {
            LogRefused(logger, context.Request.Method, context.Request.Path.Value ?? string.Empty);
            await ErrorResponses.WriteAsync(
                context,
                StatusCodes.Status401Unauthorized,
                ErrorCodes.AuthenticationFailed,
                "The request did not come through the gateway.").ConfigureAwait(false);
            return false;
        }

        if (verified.Caller is { } caller)
        {
            context.Features.Set(caller);
        }

        if (IPAddress.TryParse(verified.ForwardedFor, out var client))
        {
            context.Connection.RemoteIpAddress = client;
        }

        return true;
    }

    private async Task<EdgeSignedRequest?> TryVerifyAsync(HttpContext context, EdgeTrustOptions settings)
    {
        var request = context.Request;
        var headers = request.Headers;
        var signature = headers[GatewayHeaders.Signature];
        var timestampHeader = headers[GatewayHeaders.Timestamp];
        var forwardedFor = headers[ForwardedHeadersDefaults.XForwardedForHeaderName];
        if (signature.Count != 1 || timestampHeader.Count != 1 || forwardedFor.Count > 1
            || !long.TryParse(timestampHeader[0], NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || Math.Abs(time.GetUtcNow().ToUnixTimeSeconds() - timestamp) > settings.MaxAge.TotalSeconds)
        {
            return null;
        }

        var digest = string.Empty;
        if (EdgeSignature.HasBodyToSign(context))
        {
            // In memory up to the limit: spilling to a temporary file (the default above 30 KiB) costs four times the hash.
            request.EnableBuffering(bufferThreshold: (int)Math.Min(settings.MaxBodySize, int.MaxValue));
            digest = await EdgeSignature.DigestAsync(request.Body, settings.MaxBodySize, context.RequestAborted).ConfigureAwait(false);
            request.Body.Position = 0;
            if (digest is null)
            {
                return null;
            }
        }

        var client = headers[GatewayHeaders.ClientId].ToString();
        var caller = client.Length == 0
            ? null
            : new EdgeCaller(headers[GatewayHeaders.TenantId].ToString(), client, headers[GatewayHeaders.Subject].ToString(), headers[GatewayHeaders.Scopes].ToString(), headers[GatewayHeaders.Actors].ToString());
        var signed = new EdgeSignedRequest(
            request.Method,
            request.Path.Value ?? string.Empty,
            request.QueryString.Value,
            headers[GatewayHeaders.RequestId].ToString(),
            timestamp,
            caller,
            forwardedFor.ToString(),
            digest);
        return EdgeSignature.Matches(EdgeSignature.Compute(key, signed), signature[0]!) ? signed : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Method} {Path}: no valid gateway signature")]
    private static partial void LogRefused(ILogger logger, string method, string path);
}
