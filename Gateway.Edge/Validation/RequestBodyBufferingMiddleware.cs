using System.Buffers;
using AgentCore.Gateway.Authentication.EdgeTrust;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Model;

namespace AgentCore.Gateway.Edge.Validation;

/// <summary>
/// Reads the body of a proxied request once, into one pooled buffer of at most <see cref="RequestValidationOptions.MaxBodySize"/>
/// bytes, and digests it there for the Edge's signature (<see cref="BufferedRequestBody"/>). Input and JSON validation
/// then read those bytes in memory, and YARP forwards exactly the bytes that were digested. Runs after admission, so
/// that only an admitted request's body is read.
/// </summary>
internal sealed class RequestBodyBufferingMiddleware(RequestDelegate next, IOptions<RequestValidationOptions> options)
{
    /// <summary>The first buffer for a body of unknown length (chunked); it doubles as needed.</summary>
    private const int InitialChunkedBuffer = 4096;

    public Task InvokeAsync(HttpContext context) =>
        EdgeSignature.HasBodyToSign(context) && context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>() is not null
            ? BufferAsync(context)
            : next(context);

    private async Task BufferAsync(HttpContext context)
    {
        var request = context.Request;
        var limit = options.Value.MaxBodySize;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? InitialChunkedBuffer, limit) + 1);
        var original = request.Body;
        try
        {
            var length = 0;
            int read;
            while ((read = await original.ReadAsync(buffer.AsMemory(length), context.RequestAborted)) > 0)
            {
                length += read;
                if (length > limit)
                {
                    // Kestrel enforces the same limit (the framing middleware set it); this holds on any server.
                    throw new BadHttpRequestException("The request body is larger than allowed.", StatusCodes.Status413PayloadTooLarge);
                }

                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }

            context.Features.Set(new BufferedRequestBody(EdgeSignature.Digest(buffer.AsSpan(0, length))));
            request.Body = new MemoryStream(buffer, 0, length, writable: false, publiclyVisible: true);
            await next(context);
        }
        finally
        {
            // YARP has finished with the body when the pipeline returns (it awaits its copy even when the answer came first).
            request.Body = original;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>The digest of a request body the Edge holds in memory, as its signature covers it.</summary>
/// <param name="Digest">Base64url SHA-256 of the body; empty for an empty body.</param>
internal sealed record BufferedRequestBody(string Digest);
