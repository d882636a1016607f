using System.Buffers;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Edge.Validation;

/// <summary>
/// Refuses requests whose framing or target could be read differently by the Edge and a backend: both
/// <c>Content-Length</c> and <c>Transfer-Encoding</c>, dot segments, encoded dots, slashes, backslashes, percent
/// signs (double encoding) or NULs in the raw target. Also enforces the body size limit.
/// </summary>
internal sealed class RequestFramingMiddleware(RequestDelegate next, IOptions<RequestValidationOptions> options)
{
    /// <summary>Where Kestrel moves a <c>Content-Length</c> that arrived together with <c>Transfer-Encoding</c>.</summary>
    private const string MovedContentLengthHeader = "X-Content-Length";

    private static readonly string[] ForbiddenEncodings = ["%2e", "%2f", "%5c", "%25", "%00"];

    /// <summary>A target without any of these cannot hold a dot segment, a backslash or an encoded character.</summary>
    private static readonly SearchValues<char> SuspectCharacters = SearchValues.Create("%\\.");

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Headers.TransferEncoding.Count > 0
            && (request.Headers.ContentLength.HasValue || request.Headers.ContainsKey(MovedContentLengthHeader)))
        {
            return Refuse(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, "Content-Length and Transfer-Encoding must not both be sent.");
        }

        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? string.Empty;
        if (IsAmbiguousTarget(target))
        {
            return Refuse(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, "The request path contains traversal or encoded path characters.");
        }

        var limit = options.Value.MaxBodySize;
        if (request.ContentLength > limit)
        {
            return Refuse(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, $"The request body must not exceed {limit} bytes.");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limit;
        }

        return next(context);
    }

    private static bool IsAmbiguousTarget(string target)
    {
        var queryStart = target.IndexOf('?', StringComparison.Ordinal);
        var path = queryStart < 0 ? target.AsSpan() : target.AsSpan(0, queryStart);
        // Nearly every target has no escape, backslash or dot segment: one vectorised scan settles those.
        if (!path.ContainsAny(SuspectCharacters))
        {
            return false;
        }

        if (path.Contains('\\') || path.EndsWith("/..") || path.EndsWith("/.") || path.Contains("/../", StringComparison.Ordinal)
            || path.Contains("/./", StringComparison.Ordinal))
        {
            return true;
        }

        foreach (var encoding in ForbiddenEncodings)
        {
            if (path.Contains(encoding, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static Task Refuse(HttpContext context, int status, string code, string message)
    {
        // The connection's framing cannot be trusted any more, so it is not reused.
        context.Response.Headers.Connection = "close";
        return ErrorResponses.WriteAsync(context, status, code, message);
    }
}
