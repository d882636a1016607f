using AgentCore.Gateway.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentCore.Gateway.ServiceDefaults.Errors;

/// <summary>
/// Turns every failure a service does not answer itself into the error envelope: unhandled exceptions become
/// 500 <c>INTERNAL_ERROR</c> without internals, rejected requests keep their status, and bodiless error
/// statuses (404 for an unknown route, 405, …) get an envelope too. Failures that the request's content caused
/// wherever it was first read (a JSON reader's, or the database refusing the data) are 400 <c>INVALID_REQUEST</c>:
/// input validation should stop such content first, and this keeps a missed case from ever being a 500. A dependency
/// that is away (<see cref="DependencyOutages"/>) is 503 <c>SERVICE_UNAVAILABLE</c> with <c>Retry-After</c>.
/// </summary>
public static partial class ErrorEnvelopeExtensions
{
    public static IApplicationBuilder UseErrorEnvelope(this IApplicationBuilder app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = context => WriteExceptionAsync(context, context.Features.Get<IExceptionHandlerFeature>()?.Error),
            StatusCodeSelector = exception => exception switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                InvalidDataException => StatusCodes.Status400BadRequest,
                _ when IsCausedByContent(exception) => StatusCodes.Status400BadRequest,
                _ when DependencyOutages.IsOutage(exception) => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            },
        });
        app.UseStatusCodePages(context =>
        {
            var status = context.HttpContext.Response.StatusCode;
            return ErrorResponses.WriteAsync(context.HttpContext, status, ErrorCodes.ForStatus(status), DescribeStatus(status));
        });
        return app;
    }

    /// <summary>
    /// Answers <paramref name="exception"/> as the exception handler of <see cref="UseErrorEnvelope"/> does, for code
    /// that answers requests before it (a WebSocket handshake that leaves the pipeline): whatever the response held is
    /// cleared. The response must not have started.
    /// </summary>
    public static Task WriteUnhandledAsync(HttpContext context, Exception exception)
    {
        context.Response.Clear();
        return WriteExceptionAsync(context, exception);
    }

    private static Task WriteExceptionAsync(HttpContext context, Exception? exception)
    {
        if (exception is BadHttpRequestException bad)
        {
            return ErrorResponses.WriteAsync(context, bad.StatusCode, ErrorCodes.ForStatus(bad.StatusCode), DescribeStatus(bad.StatusCode));
        }

        if (exception is InvalidDataException && context.Request.HasFormContentType)
        {
            // The form reader refuses bodies it cannot decode, such as an encoded NUL, wherever the form is first read.
            return ErrorResponses.WriteAsync(
                context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, "The form body is malformed or contains characters that are not allowed.");
        }

        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ErrorEnvelopeExtensions));
        if (exception is not null && IsCausedByContent(exception))
        {
            LogRefusedContent(logger, exception, context.Request.Method, context.Request.Path);
            return ErrorResponses.WriteAsync(
                context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, "The request contains data that cannot be processed or stored.");
        }

        if (exception is not null && DependencyOutages.IsOutage(exception))
        {
            LogDependencyAway(logger, exception, context.Request.Method, context.Request.Path);
            context.Response.Headers.RetryAfter = DependencyOutages.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ErrorResponses.WriteAsync(
                context, StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable, "A service this request needs is unavailable. Retry later.");
        }

        LogUnhandled(logger, exception, context.Request.Method, context.Request.Path);
        return ErrorResponses.WriteAsync(
            context,
            StatusCodes.Status500InternalServerError,
            ErrorCodes.InternalError,
            "The service failed to process the request. Quote the request_id when reporting it.");
    }

    /// <summary>A human-readable sentence for a bare HTTP status.</summary>
    public static string DescribeStatus(int statusCode) => statusCode switch
    {
        400 => "The request is malformed.",
        401 => "The request is not authenticated.",
        403 => "The caller is not allowed to do this.",
        404 => "No resource matches the request path.",
        405 => "The HTTP method is not allowed on this path.",
        408 => "The request took too long to arrive.",
        413 => "The request body is larger than allowed.",
        415 => "The request's content type is not supported here.",
        422 => "The request data failed validation.",
        429 => "Too many requests.",
        431 => "The request headers are too large.",
        502 => "The upstream service returned an invalid response.",
        503 => "The service is unavailable.",
        504 => "The upstream service did not answer in time.",
        >= 500 => "The service failed to process the request.",
        _ => "The request cannot be processed.",
    };

    /// <summary>
    /// A JSON reader's refusal of text it cannot decode (invalid UTF-8, a lone surrogate: System.Text.Json marks these
    /// with a source of its own, the one its serializer turns into a <c>JsonException</c>), or a database's refusal of the data.
    /// </summary>
    private static bool IsCausedByContent(Exception exception) =>
        exception is InvalidOperationException { Source: "System.Text.Json.Rethrowable" } || DatabaseErrors.IsCausedByContent(exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request content refused where it was read, past input validation, while serving {Method} {Path}")]
    private static partial void LogRefusedContent(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A dependency was unavailable while serving {Method} {Path}; answered 503")]
    private static partial void LogDependencyAway(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception while serving {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception? exception, string method, string path);
}
