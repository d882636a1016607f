using Microsoft.AspNetCore.Http;

namespace AgentCore.Gateway.ServiceDefaults.Input;

/// <summary>
/// Refuses, with 400 and the envelope, a request whose path, query, header values or JSON body hold text no endpoint
/// can use (<see cref="InputText"/>): once, where requests enter the service, so that no handler, database or
/// serializer downstream meets it. The messages never repeat the offending text.
/// </summary>
internal sealed class RequestInputMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context) =>
        RequestInput.RefuseUnacceptableText(context) ?? (HasJsonBody(context.Request) ? CheckJsonBodyAsync(context) : next(context));

    private Task CheckJsonBodyAsync(HttpContext context)
    {
        // A body that is already in memory (the Edge holds each proxied body in one buffer) is checked where it is.
        if (context.Request.Body is MemoryStream memory && memory.TryGetBuffer(out var buffered))
        {
            return JsonInput.FindTextProblem(buffered.AsSpan((int)memory.Position)) is { } problem ? RequestInput.RefuseAsync(context, problem.Describe(), "body") : next(context);
        }

        return CopyAndCheckJsonBodyAsync(context);
    }

    private async Task CopyAndCheckJsonBodyAsync(HttpContext context)
    {
        var request = context.Request;
        request.EnableBuffering();
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        request.Body.Position = 0;
        if (JsonInput.FindTextProblem(body.GetBuffer().AsSpan(0, (int)body.Length)) is { } problem)
        {
            await RequestInput.RefuseAsync(context, problem.Describe(), "body").ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    private static bool HasJsonBody(HttpRequest request) =>
        (request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0))
        && request.HasJsonContentType();
}
