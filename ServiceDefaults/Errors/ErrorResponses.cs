using System.Text.Json;
using AgentCore.Gateway.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AgentCore.Gateway.ServiceDefaults.Errors;

/// <summary>Writes the spec's error envelope. Every error a gateway service produces itself goes through here.</summary>
public static class ErrorResponses
{
    private static readonly IReadOnlyDictionary<string, object?> NoDetails = new Dictionary<string, object?>();
    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    /// <summary>Builds the envelope for the current request, stamped with its correlation id and the current time.</summary>
    public static ErrorEnvelope Create(HttpContext context, string code, string message, IReadOnlyDictionary<string, object?>? details = null)
    {
        var time = context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        return new ErrorEnvelope(new ErrorBody(code, message, details ?? NoDetails, context.TraceIdentifier, time.GetUtcNow()));
    }

    /// <summary>Writes the envelope with <paramref name="statusCode"/>, unless the response has already started.</summary>
    public static Task WriteAsync(
        HttpContext context,
        int statusCode,
        string code,
        string message,
        IReadOnlyDictionary<string, object?>? details = null)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        context.Response.StatusCode = statusCode;
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(
            Create(context, code, message, details),
            SerializerOptions,
            contentType: "application/json; charset=utf-8",
            cancellationToken: context.RequestAborted);
    }

    /// <summary>
    /// A typed result for minimal APIs that renders the envelope; endpoints name it in <c>Results&lt;…&gt;</c> and document
    /// its statuses with <c>ProducesError</c>.
    /// </summary>
    public static ErrorResult Result(int statusCode, string code, string message, IReadOnlyDictionary<string, object?>? details = null) =>
        new(statusCode, code, message, details);
}

/// <summary>The error envelope as a minimal API result; made by <see cref="ErrorResponses.Result"/>.</summary>
public sealed class ErrorResult : IResult, IStatusCodeHttpResult
{
    private readonly int statusCode;
    private readonly string code;
    private readonly string message;
    private readonly IReadOnlyDictionary<string, object?>? details;

    internal ErrorResult(int statusCode, string code, string message, IReadOnlyDictionary<string, object?>? details)
    {
        this.statusCode = statusCode;
        this.code = code;
        this.message = message;
        this.details = details;
    }

    public int? StatusCode => statusCode;

    public Task ExecuteAsync(HttpContext httpContext) => ErrorResponses.WriteAsync(httpContext, statusCode, code, message, details);
}
