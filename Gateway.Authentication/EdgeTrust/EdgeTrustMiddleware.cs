using System.Globalization;
using System.Text;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Authentication.EdgeTrust;

/// <summary>
/// Refuses every request a backend did not receive through the Edge: the signature must verify and be fresh.
/// A verified request exposes its caller through <c>HttpContext.GetEdgeCaller()</c>.
/// </summary>
internal sealed partial class EdgeTrustMiddleware(
    RequestDelegate next,
    IOptions<EdgeTrustOptions> options,
    TimeProvider time,
    ILogger<EdgeTrustMiddleware> logger)
{
    private readonly byte[] key = Encoding.UTF8.GetBytes(options.Value.Key);

    public Task InvokeAsync(HttpContext context)
    {
        var settings = options.Value;
        var path = context.Request.Path;
        if (settings.ExemptPaths.Any(exempt => path.StartsWithSegments(exempt, StringComparison.OrdinalIgnoreCase)))
        {
            return next(context);
        }

        if (!TryVerify(context, settings, out var caller))
        {
            LogRefused(logger, context.Request.Method, path.Value ?? string.Empty);
            return ErrorResponses.WriteAsync(
                context,
                StatusCodes.Status401Unauthorized,
                ErrorCodes.AuthenticationFailed,
                "The request did not come through the gateway.");
        }

        if (caller is not null)
        {
            context.Features.Set(caller);
        }

        return next(context);
    }

    private bool TryVerify(HttpContext context, EdgeTrustOptions settings, out EdgeCaller? caller)
    {
        caller = null;
        var headers = context.Request.Headers;
        var signature = headers[GatewayHeaders.Signature];
        var timestampHeader = headers[GatewayHeaders.Timestamp];
        if (signature.Count != 1 || timestampHeader.Count != 1
            || !long.TryParse(timestampHeader[0], NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
        {
            return false;
        }

        var age = time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(timestamp);
        if (age.Duration() > settings.MaxAge)
        {
            return false;
        }

        var client = headers[GatewayHeaders.ClientId].ToString();
        caller = client.Length == 0
            ? null
            : new EdgeCaller(headers[GatewayHeaders.TenantId].ToString(), client, headers[GatewayHeaders.Subject].ToString(), headers[GatewayHeaders.Scopes].ToString());
        var expected = EdgeSignature.Compute(
            key,
            context.Request.Method,
            context.Request.Path.Value ?? string.Empty,
            headers[GatewayHeaders.RequestId].ToString(),
            timestamp,
            caller);
        return EdgeSignature.Matches(expected, signature[0]!);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Method} {Path}: no valid gateway signature")]
    private static partial void LogRefused(ILogger logger, string method, string path);
}
