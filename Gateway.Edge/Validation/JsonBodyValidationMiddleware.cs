using System.Text.Json;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Errors;
using Yarp.ReverseProxy.Model;

namespace AgentCore.Gateway.Edge.Validation;

/// <summary>
/// On routes marked as JSON (<see cref="RequestValidationOptions.JsonBodyMetadataKey"/>): a body must be declared
/// JSON (415 otherwise) and be well-formed JSON (400 <c>INVALID_REQUEST</c> otherwise). The body is buffered for
/// the check and then forwarded as received.
/// </summary>
internal sealed class JsonBodyValidationMiddleware(RequestDelegate next)
{
    /// <remarks>Most requests have no body: they pass straight on, without an async state machine of their own.</remarks>
    public Task InvokeAsync(HttpContext context) =>
        HasBody(context.Request) && IsJsonRoute(context) ? ValidateAsync(context) : next(context);

    private Task ValidateAsync(HttpContext context)
    {
        var request = context.Request;
        if (!IsJsonContentType(request.ContentType))
        {
            return ErrorResponses.WriteAsync(
                context,
                StatusCodes.Status415UnsupportedMediaType,
                ErrorCodes.UnsupportedMediaType,
                "The request body must be JSON (Content-Type: application/json).");
        }

        // A proxied body is already in memory (RequestBodyBufferingMiddleware): it is read there, synchronously.
        if (request.Body is MemoryStream memory && memory.TryGetBuffer(out var body))
        {
            return FindSyntaxError(body.AsSpan((int)memory.Position)) is { } error ? RefuseAsync(context, error) : next(context);
        }

        return ValidateStreamAsync(context);
    }

    private async Task ValidateStreamAsync(HttpContext context)
    {
        var request = context.Request;
        request.EnableBuffering();
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException exception)
        {
            await RefuseAsync(context, exception);
            return;
        }

        request.Body.Position = 0;
        await next(context);
    }

    /// <summary>The error <see cref="JsonDocument"/> would raise for <paramref name="json"/>, found without building one; null when well-formed.</summary>
    private static JsonException? FindSyntaxError(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            while (reader.Read())
            {
            }

            return null;
        }
        catch (JsonException exception)
        {
            return exception;
        }
    }

    private static Task RefuseAsync(HttpContext context, JsonException exception) =>
        ErrorResponses.WriteAsync(
            context,
            StatusCodes.Status400BadRequest,
            ErrorCodes.InvalidRequest,
            "The request body is not valid JSON.",
            new Dictionary<string, object?> { ["line"] = exception.LineNumber, ["position"] = exception.BytePositionInLine });

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static bool IsJsonRoute(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.Metadata is { } metadata
        && metadata.TryGetValue(RequestValidationOptions.JsonBodyMetadataKey, out var value)
        && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    private static bool IsJsonContentType(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }

        var mediaType = contentType.AsSpan();
        var separator = mediaType.IndexOf(';');
        mediaType = (separator < 0 ? mediaType : mediaType[..separator]).Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}
